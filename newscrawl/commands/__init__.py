"""Scrapy commands of the project (``COMMANDS_MODULE``): ``crawl`` with the ``news`` spider's arguments in its help."""
