# --- drills (helper risks-drills): the backed-up system of the drill tests
from tests.risks.drill_fixtures import erp  # noqa: E402, F401
