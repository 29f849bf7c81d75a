"""`liaison train …`: the codebreaking school, thin over liaison.codebreak.training."""

from __future__ import annotations

import sys

import typer

from liaison.cli.output import console, emit
from liaison.core.errors import ValidationError

train = typer.Typer(help="Codebreaking school: classes, exercises, hints, answers and progress.")
class_app = typer.Typer(help="Classes of trainees.")
trainee_app = typer.Typer(help="Trainees.")
exercise_app = typer.Typer(help="Exercises (instructor).")
train.add_typer(class_app, name="class")
train.add_typer(trainee_app, name="trainee")
train.add_typer(exercise_app, name="exercise")


def _store():  # type: ignore[no-untyped-def]
    from liaison.store import open_store

    return open_store()


def _groups(text: str) -> str:
    from liaison.codebreak.intercepts import groups

    return groups(text)


@class_app.command("add")
def class_add(
    name: str = typer.Argument(...),
    instructor: str = typer.Option(..., "--instructor"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Add a class."""
    from liaison.codebreak import training

    with _store().begin() as conn:
        k = training.add_class(conn, name, instructor, actor=instructor)
    emit(k.to_dict(), as_json, lambda: console.print(f"class {k.name} (instructor {k.instructor})"))


@class_app.command("list")
def class_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """Classes with their number of trainees."""
    from liaison.codebreak import training

    with _store().connect() as conn:
        ks = training.list_classes(conn)
    emit(
        [k.to_dict() for k in ks],
        as_json,
        lambda: [console.print(f"{k.name}  {k.instructor}  {k.trainees} trainee(s)") for k in ks],
    )


@trainee_app.command("add")
def trainee_add(
    username: str = typer.Argument(...),
    class_name: str = typer.Option(..., "--class"),
    name: str = typer.Option("", "--name", help="Full name (default: the username)."),
    actor: str = typer.Option("cli", "--actor"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Add a trainee to a class."""
    from liaison.codebreak import training

    with _store().begin() as conn:
        t = training.add_trainee(conn, username, name, class_name, actor)
    emit(t.to_dict(), as_json, lambda: console.print(f"trainee {t.username} in {t.class_name}"))


@trainee_app.command("list")
def trainee_list(
    class_name: str = typer.Option(None, "--class"), as_json: bool = typer.Option(False, "--json")
) -> None:
    """Trainees (of one class)."""
    from liaison.codebreak import training

    with _store().connect() as conn:
        ts = training.list_trainees(conn, class_name)
    emit(
        [t.to_dict() for t in ts],
        as_json,
        lambda: [console.print(f"{t.username}  {t.name}  {t.class_name}") for t in ts],
    )


@exercise_app.command("new")
def exercise_new(
    cipher: str = typer.Option("caesar", "--cipher"),
    lang: str = typer.Option("ru", "--lang", help="ru, pl, de or en."),
    alphabet: str = typer.Option(
        None, "--alphabet", help="As sent: pl26, de26, ru31, ru26, or with --lang: native, 26, 31."
    ),
    length: int = typer.Option(None, "--length", help="Letters (default by difficulty)."),
    difficulty: int = typer.Option(2, "--difficulty", help="1 (easy) to 5."),
    kind: str = typer.Option("report", "--kind", help="order, report or telegram."),
    count: int = typer.Option(1, "--count"),
    class_name: str = typer.Option(None, "--class", help="Assign to this class."),
    set_name: str = typer.Option(None, "--set", help="Set name (default set-YYYY-MM-DD)."),
    max_answers: int = typer.Option(3, "--max-answers"),
    seed: int = typer.Option(None, "--seed", help="Reproducible generation."),
    actor: str = typer.Option("cli", "--actor"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Generate exercises from period-style messages (and assign them to a class)."""
    from liaison.codebreak import training

    with _store().begin() as conn:
        made = training.new_exercises(
            conn,
            cipher,
            lang,
            letters=length,
            difficulty=difficulty,
            kind=kind,
            count=count,
            class_name=class_name,
            set_name=set_name,
            max_answers=max_answers,
            seed=seed,
            actor=actor,
            alphabet=alphabet,
        )

    def render() -> None:
        for e in made:
            where = ", ".join(e.sets) or "not assigned"
            console.print(
                f"exercise {e.number}: {e.cipher} {e.language} d{e.difficulty} {e.kind} "
                f"{e.letters} letters — {where}",
                highlight=False,
            )

    emit([e.to_dict() for e in made], as_json, render)


@exercise_app.command("assign")
def exercise_assign(
    numbers: list[int] = typer.Argument(...),
    class_name: str = typer.Option(..., "--class"),
    set_name: str = typer.Option(..., "--set"),
    actor: str = typer.Option("cli", "--actor"),
) -> None:
    """Put existing exercises into a class's set."""
    from liaison.codebreak import training

    with _store().begin() as conn:
        added = training.assign(conn, numbers, class_name, set_name, actor)
    console.print(f"assigned {len(added)} exercise(s) to {class_name}/{set_name}")


@exercise_app.command("list")
def exercise_list(
    class_name: str = typer.Option(None, "--class"),
    trainee: str = typer.Option(
        None, "--trainee", help="A trainee's assigned exercises and state."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Exercises (all, a class's, or a trainee's with their state)."""
    from rich.table import Table

    from liaison.codebreak import training

    with _store().connect() as conn:
        if trainee:
            rows = training.assigned(conn, trainee)
        else:
            rows = [
                {k: v for k, v in e.to_dict().items() if k not in ("plaintext", "text", "key")}
                for e in training.list_exercises(conn, class_name)
            ]

    def render() -> None:
        cols = ["number", "cipher", "language", "difficulty", "kind", "letters"]
        cols += ["state", "answers_used", "best_accuracy", "best_points"] if trainee else ["sets"]
        t = Table(*cols)
        for r in rows:
            t.add_row(
                *[", ".join(v) if isinstance(v, list) else str(v) for v in (r[c] for c in cols)]
            )
        console.print(t)

    emit(rows, as_json, render)


@exercise_app.command("show")
def exercise_show(
    number: str = typer.Argument(...),
    reveal: bool = typer.Option(False, "--reveal", help="Also print the plaintext and key."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One exercise (instructor): ciphertext, and with --reveal the message and key."""
    from liaison.codebreak import training

    with _store().connect() as conn:
        e = training.get_exercise(conn, number)
    data = e.to_dict() if reveal else {**e.public(), "sets": e.sets}

    def render() -> None:
        console.print(
            f"exercise {e.number}: {e.cipher} {e.language} difficulty {e.difficulty} {e.kind}, "
            f"{e.letters} letters; sets: {', '.join(e.sets) or '—'}",
            highlight=False,
        )
        console.print(_groups(e.ciphertext), highlight=False, markup=False)
        if reveal:
            console.print(f"key: {training.named.key_text(e.key)}", highlight=False, markup=False)
            console.print(e.text, highlight=False, markup=False)

    emit(data, as_json, render)


@train.command("take")
def take_cmd(
    number: str = typer.Argument(...),
    trainee: str = typer.Option(..., "--trainee"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Take an exercise: starts the clock (first time) and shows the ciphertext."""
    from liaison.codebreak import training

    with _store().begin() as conn:
        tk = training.take(conn, number, trainee)

    def render() -> None:
        ex = tk.exercise
        console.print(
            f"exercise {ex['number']}: {ex['cipher']}, {ex['language']}, difficulty "
            f"{ex['difficulty']}, {ex['kind']}, {ex['letters']} letters; par "
            f"{ex['par_seconds'] // 60} min; {ex['max_answers']} answer(s) allowed",
            highlight=False,
        )
        console.print(_groups(ex["ciphertext"]), highlight=False, markup=False)
        for h in tk.hints:
            console.print(f"hint ({h.kind}): {training.hint_text(h.kind, h.content)}", markup=False)
        for a in tk.answers:
            console.print(
                f"answer: accuracy {a['accuracy']:.0%}, {a['points']} points", markup=False
            )

    emit(tk.to_dict(), as_json, render)


@train.command("hint")
def hint_cmd(
    number: str = typer.Argument(...),
    trainee: str = typer.Option(..., "--trainee"),
    kind: str = typer.Option(..., "--kind", help="frequency (5), ioc (10), crib (15), key (25)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Ask for a hint; it is recorded and its cost comes off the points."""
    from liaison.codebreak import training

    with _store().begin() as conn:
        h = training.hint(conn, number, trainee, kind)
    cost = f"costs {h.cost} points" if h.charged else "already given, no further cost"
    emit(
        h.to_dict(),
        as_json,
        lambda: console.print(f"{training.hint_text(h.kind, h.content)}\n({cost})", markup=False),
    )


@train.command("answer")
def answer_cmd(
    number: str = typer.Argument(...),
    trainee: str = typer.Option(..., "--trainee"),
    text: str = typer.Option(None, "--text", help="The plaintext; stdin when omitted."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Submit a plaintext; graded on letter accuracy and time, hints deducted."""
    from liaison.codebreak import training

    if text is None:
        text = sys.stdin.read(training.MAX_ANSWER_CHARS + 1)
    if not text.strip():
        raise ValidationError("empty answer")
    with _store().begin() as conn:
        g = training.answer(conn, number, trainee, text)

    def render() -> None:
        verdict = "SOLVED" if g.solved else "not solved (95% of letters needed)"
        console.print(
            f"exercise {g.exercise}: accuracy {g.accuracy:.1%}, {g.seconds:.0f} s (par "
            f"{g.par_seconds} s), hints −{g.hint_cost}, {g.points} points — {verdict}; "
            f"answer {g.answers_used} of {g.max_answers}",
            highlight=False,
        )

    emit(g.to_dict(), as_json, render)


@train.command("progress")
def progress_cmd(
    class_name: str = typer.Option(..., "--class"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The class progress table: attempted, solved, mean accuracy, median time, hints, points."""
    from rich.table import Table

    from liaison.codebreak import training

    with _store().connect() as conn:
        rows = training.progress(conn, class_name)

    def render() -> None:
        t = Table(
            "trainee",
            "name",
            "assigned",
            "attempted",
            "solved",
            "mean accuracy",
            "median time",
            "hints",
            "points",
        )
        for r in rows:
            t.add_row(
                r.trainee,
                r.name,
                str(r.assigned),
                str(r.attempted),
                str(r.solved),
                "—" if r.mean_accuracy is None else f"{r.mean_accuracy:.1%}",
                "—" if r.median_seconds is None else f"{r.median_seconds:.0f} s",
                f"{r.hints_used} (−{r.hint_points})",
                str(r.points),
            )
        console.print(t)

    emit([r.to_dict() for r in rows], as_json, render)


def register(app: typer.Typer) -> None:
    app.add_typer(train, name="train")
