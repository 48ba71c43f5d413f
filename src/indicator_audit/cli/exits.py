"""Exit codes of every command, and the --fail-on thresholds of `check`.

0 no finding at or above --fail-on; 1 findings; 2 usage or input error (a file that could not
be checked included).
"""

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
FAIL_ON = {"error": 3, "warning": 2, "info": 1, "never": 99}
