"""Cases and typed attributes."""

from __future__ import annotations

import pytest

from workbench.coding import cases
from workbench.errors import InvalidValue


@pytest.mark.parametrize(
    ("value", "type_name", "stored"),
    [
        ("24", "integer", "24"),
        ("3,5", "float", "3.5"),
        ("2021-05-01", "date", "2021-05-01"),
        ("ja", "boolean", "true"),
        ("No", "boolean", "false"),
        ("Hatert", "text", "Hatert"),
    ],
)
def test_types_are_inferred_and_values_stored_canonically(
    value: str, type_name: str, stored: str
) -> None:
    assert cases.infer_type(value) == type_name
    assert cases.canonical(type_name, value) == stored


def test_assignments_parse_with_and_without_type() -> None:
    assert cases.parse_assignment("age=24") == ("age", None, "24")
    assert cases.parse_assignment("postcode:text=6500") == ("postcode", "text", "6500")
    with pytest.raises(InvalidValue, match="KEY=VALUE"):
        cases.parse_assignment("age")
    with pytest.raises(InvalidValue, match="type 'colour' is unknown"):
        cases.parse_assignment("x:colour=red")


def test_a_value_of_the_wrong_type_is_refused(project) -> None:  # type: ignore[no-untyped-def]
    with project.transaction("case") as session:
        case = cases.ensure_case(session, "R01")
        cases.set_value(session, case, "age", "24")
        cases.set_value(session, case, "postcode", "6500", type_name="text")
    with pytest.raises(InvalidValue, match="'twenty' is not a valid integer"):
        with project.transaction("case") as session:
            cases.set_value(session, cases.find_case(session, "R01"), "age", "twenty")
    with project.session() as session:
        [view] = cases.list_cases(session)
    assert view.attributes == {"age": "24", "postcode": "6500"}
