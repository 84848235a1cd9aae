"""The tally every deploy check script keeps (manifests_test.py, rules_test.py, promql_test.py,
dashboards_test.py): each check printed as it is made, the tolerated and failed ones listed again
at the end, and a last line "[N s] N passed, N failed". Standard library only; imported from the
script's own directory (Python puts it first on sys.path), so CTest needs no PYTHONPATH.
"""

import time


def log(msg):
    print(msg, flush=True)


class Report:
    """One script's results. Not thread-safe: report from one thread."""

    def __init__(self, print_passes=True):
        self.print_passes = print_passes  # False: only failures and tolerated checks are printed
        self.passed = 0
        self.failures = []  # (what, why, context)
        self.no_data = []  # (what, why): tolerated, counted as passed
        self.start = time.time()

    def check(self, ok, what, detail=""):
        """Records `what` as passed when ok, else as failed because of `detail`; returns ok."""
        if ok:
            self.ok(what)
        else:
            self.fail(what, detail)
        return ok

    def ok(self, what, detail=""):
        self.passed += 1
        if self.print_passes:
            log(f"ok       {what}" + (f": {detail}" if detail else ""))

    def fail(self, what, why="", context=""):
        """A failure: `why` says what is wrong (several lines are indented under `what`),
        `context` what was checked, e.g. the expression, on a line of its own."""
        self.failures.append((what, why, context))
        log(f"FAIL     {what}{self._because(why, '         ')}"
            + (f"\n         {context}" if context else ""))

    def tolerated(self, what, why):
        """A check that could not be made in this run, for a known reason: counted as passed,
        listed at the end."""
        self.passed += 1
        self.no_data.append((what, why))
        log(f"no data  {what}: {why}")

    def finish(self, tolerated_title="Tolerated"):
        """Prints the summary; returns the exit status (1 on any failure)."""
        if self.no_data:
            log(f"\n{tolerated_title} ({len(self.no_data)}):")
            for what, why in self.no_data:
                log(f"  {what}\n      {why}")
        if self.failures:
            log(f"\nFailures ({len(self.failures)}):")
            for what, why, context in self.failures:
                log(f"  {what}{self._because(why, '      ')}" + (f"\n      {context}" if context else ""))
        log(f"\n[{time.time() - self.start:.0f} s] {self.passed} passed, {len(self.failures)} failed")
        return 1 if self.failures else 0

    @staticmethod
    def _because(why, indent):
        if not why:
            return ""
        if "\n" not in why:
            return f": {why}"
        return "".join(f"\n{indent}{line}" for line in why.splitlines())
