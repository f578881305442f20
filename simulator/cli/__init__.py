"""The ``parley`` command: argparse commands over the library, rich output, a prompt-toolkit loop.

Only this package imports rich and prompt-toolkit, and only inside the functions that need them,
so ``import simulator`` and ``parley list`` never pay for the interactive front end.

:mod:`.main` parses arguments and turns every ``SimulatorError`` into one line on stderr (exit 2);
each module it names in ``COMMAND_MODULES`` registers its own commands: :mod:`.catalog`
(``list``), :mod:`.play` (``play``, and :func:`~simulator.cli.play.practice`, the loop that
``resume`` reuses), :mod:`.replay`, :mod:`.schema`, and the records and authoring commands.
Shared pieces: :mod:`.render` (rich renderables), :mod:`.tui` (prompt-toolkit or plain-line input)
and :mod:`.document` (the JSON transcript of ``play --json``, ``/save`` and ``replay``, described by
``play_output.schema.json``).
"""
