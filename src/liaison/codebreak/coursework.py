"""What every desk of the school shares: numbering, finding an exercise, the class check, the
answer allowance and best-answer progress.

The cipher desk (`training`), the open-source desk (`osint.school`) and the traffic desk
(`traffic.school`) keep their own exercise and answer tables — their material and keys differ —
but the rules a trainee meets must not: an exercise set for another class is "not found" (it does
not exist for them), answers beyond the allowance are refused, and progress counts each
exercise's best answer once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from liaison.codebreak.training import get_class, get_trainee
from liaison.core.errors import ConflictError, NotFoundError
from liaison.store.schema.training import trainee


def next_number(conn: Connection, exercises: sa.Table) -> int:
    """The next exercise number of a desk (numbers are per desk, shown to trainees)."""
    n = conn.execute(sa.select(sa.func.max(exercises.c.number))).scalar()
    return int(n or 0) + 1


def find(conn: Connection, exercises: sa.Table, number: int, what: str, listing: str) -> Any:
    """The exercise row numbered `number`, or NotFoundError pointing at the listing command."""
    row = conn.execute(sa.select(exercises).where(exercises.c.number == number)).first()
    if row is None:
        raise NotFoundError(f"no {what} {number} (see `{listing}`)")
    return row


def for_trainee(
    conn: Connection, exercises: sa.Table, number: int, username: str, what: str, listing: str
) -> tuple[Any, Any]:
    """(trainee, exercise) when the exercise is set for the trainee's class; else not found."""
    t = get_trainee(conn, username)
    ex = find(conn, exercises, number, what, listing)
    klass = conn.execute(sa.select(trainee.c.class_id).where(trainee.c.id == t.id)).scalar()
    if klass != ex.class_id:
        raise NotFoundError(f"{what} {number} is not set for {t.username}'s class")
    return t, ex


def answers_used(
    conn: Connection, answers: sa.Table, ex: Any, t: Any, what: str, number: int
) -> int:
    """How many answers the trainee has given; ConflictError once the allowance is spent."""
    used = int(
        conn.execute(
            sa.select(sa.func.count()).where(
                answers.c.exercise_id == ex.id, answers.c.trainee_id == t.id
            )
        ).scalar_one()
    )
    if used >= ex.max_answers:
        raise ConflictError(f"all {ex.max_answers} answers to {what} {number} are used")
    return used


def best_answers(
    conn: Connection, exercises: sa.Table, answers: sa.Table, class_name: str
) -> tuple[int, Iterator[tuple[Any, dict[int, Any]]]]:
    """The class's exercise count and, per trainee (by username), the best answer per exercise.

    "Best" is the most points; the first such answer wins a tie, so a later equal answer does not
    change what the instructor saw.
    """
    k = get_class(conn, class_name)
    numbers = {
        r.id: r.number
        for r in conn.execute(
            sa.select(exercises.c.id, exercises.c.number).where(exercises.c.class_id == k.id)
        )
    }

    def rows() -> Iterator[tuple[Any, dict[int, Any]]]:
        for t in conn.execute(
            sa.select(trainee).where(trainee.c.class_id == k.id).order_by(trainee.c.username)
        ).all():
            best: dict[int, Any] = {}
            for a in conn.execute(
                sa.select(answers)
                .where(answers.c.trainee_id == t.id)
                .order_by(answers.c.submitted_at)
            ):
                n = numbers.get(a.exercise_id)
                if n is not None and (n not in best or a.points > best[n].points):
                    best[n] = a
            yield t, best

    return len(numbers), rows()
