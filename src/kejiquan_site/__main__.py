"""`python -m kejiquan_site` and the `kejiquan` program."""

import signal


def start() -> None:
    """Hold Ctrl-C and SIGTERM while the engine is imported: the command line takes them from
    its first step on, and reports them in one line (cli.run)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    from kejiquan_site.cli import run

    run()


if __name__ == "__main__":
    start()
