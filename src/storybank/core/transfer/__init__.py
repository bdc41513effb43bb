"""Export and import: a folder of Markdown stories, or one JSON file with everything.

Export reads the bank through the repositories' public reads and writes every
file atomically (a temp file in the same folder, fsync, ``os.replace``),
readable by its owner only. A Markdown export never replaces a file it did not
write for the same story.

Import is three steps, so that the window can show what will happen before
anything changes:

1. read: :func:`~storybank.core.transfer.reading.read_import`
   (``read_markdown_folder``, ``read_json``) parse and check the files
   (regular files only, sizes capped, links in a folder skipped, YAML and
   JSON parsed safely) and raise :class:`~storybank.core.interchange.TransferError`
   naming the file, the line where known, and why;
2. plan: :func:`~storybank.core.transfer.plan.plan_import` matches stories by
   uuid and sorts each into new, unchanged, updated or conflict, without writing;
3. apply: :func:`~storybank.core.transfer.plan.apply_import` writes the plan,
   with the user's choice for each conflict, in ONE transaction: all of it or
   nothing.

The modules, from the bottom up: ``records`` (the frozen records every other
module passes around), ``files`` (capped reads, atomic writes, file names),
``export``, ``reading`` and ``plan``. This file imports nothing, so that
importing ``records`` never pulls in the rest.
"""
