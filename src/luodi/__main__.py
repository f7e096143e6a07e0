from luodi.cli.main import run

run()
