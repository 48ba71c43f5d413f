from indicator_audit.cli.main import run

run()
