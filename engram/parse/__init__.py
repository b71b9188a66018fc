"""What one run's parts say, read the same way whichever loader found them.

- ``diff``: a unified diff as files touched and lines changed;
- ``shell``, ``tools``: which programs a command runs, what a tool does by its name;
- ``instruction``: an instruction's title, repository, difficulty and category;
- ``tasks``: task identity (runs are of one task when their keys agree);
- ``outcome``: a run's status and failure class;
- ``messages``: a failed run's failures and their messages as templates;
- ``testoutput``: test runners' output read into the failures it reports;
- ``redact``: secrets out of trace text before anything is stored;
- ``marker``: the delimiters of engram's guidance block, written by render/, read back by loaders.

Extractors may use ``shell`` and ``tools``; they are part of the plugin API.
"""
