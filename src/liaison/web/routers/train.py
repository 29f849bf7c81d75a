"""The school in the browser: a trainee page (assigned exercises, take, hint, answer, grade) and an
instructor page (create exercises, class progress). Thin over liaison.codebreak.training.

A trainee is the signed-in user whose username is a trainee's (`liaison train trainee add` with the
web username); instructors are users `allowed` to `train.instruct`. Pages send a browser without
a session to sign-in; every state change is a CSRF-checked POST that redirects (303) back to its
page, with a user error shown on that page rather than as an error response.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liaison.codebreak import messages, named, training
from liaison.codebreak.alphabets import ALL_ALPHABETS
from liaison.core.errors import LiaisonError, NotFoundError
from liaison.store.engine import Store
from liaison.web.deps import User, get_store, may, permit, render

router = APIRouter()
NO_NUL = r"^[^\x00]*$"

#: Instructors are our own partner's analysts and admins (`train.instruct`); a partner's liaison
#: officer with an account here may be a trainee (the Polish bureau taught Japanese officers) but
#: never sets work.
instructor_page_user = permit("train.instruct", page=True)
instructor_user = permit("train.instruct")
trainee_page_user = permit("train.trainee", page=True)
trainee_user = permit("train.trainee")


def _page(request: Request, name: str, ctx: dict[str, Any]) -> HTMLResponse:
    return render(request, name, ctx)  # adds the user and the CSRF token for the forms


def _trainee(store: Store, user: User) -> training.Trainee:
    with store.connect() as conn:
        try:
            return training.get_trainee(conn, user.username)
        except NotFoundError:
            raise HTTPException(
                status_code=403, detail="you are not enrolled as a trainee"
            ) from None


def _back(path: str, error: str | None = None) -> RedirectResponse:
    url = path + (f"?error={quote(error)}" if error else "")
    return RedirectResponse(url, status_code=303)


@router.get("/train", response_class=HTMLResponse, response_model=None, include_in_schema=False)
def trainee_home(
    request: Request, user: User = Depends(trainee_page_user), store: Store = Depends(get_store)
) -> Response:
    with store.connect() as conn:
        if not training.is_trainee(conn, user.username) and may(request, "train.instruct"):
            return RedirectResponse("/train/instructor", status_code=303)
    t = _trainee(store, user)
    with store.connect() as conn:
        rows = training.assigned(conn, t.username)
    return _page(request, "train/trainee.html", {"user": user, "trainee": t, "rows": rows})


@router.get("/train/exercises/{number}", response_class=HTMLResponse, include_in_schema=False)
def exercise_page(
    request: Request,
    number: int,
    error: str | None = None,
    user: User = Depends(trainee_page_user),
    store: Store = Depends(get_store),
) -> HTMLResponse:
    t = _trainee(store, user)
    with store.connect() as conn:
        rows = {r["number"]: r for r in training.assigned(conn, t.username)}
        if number not in rows:
            raise HTTPException(status_code=404, detail="no such exercise for you")
        taken = training.view(conn, number, t.username)
    ctx = {
        "user": user,
        "trainee": t,
        "row": rows[number],
        "taken": taken,
        "hint_costs": training.HINT_COSTS,
        "hint_text": training.hint_text,
        "groups": _groups,
        "error": error,
    }
    return _page(request, "train/exercise.html", ctx)


def _groups(text: str) -> str:
    from liaison.codebreak.intercepts import groups

    return groups(text)


def _act(number: int, fn: Any) -> Response:
    path = f"/train/exercises/{number}"
    try:
        fn()
    except LiaisonError as exc:
        return _back(path, str(exc))
    return _back(path)


@router.post("/train/exercises/{number}/take", include_in_schema=False)
def take(
    number: int, user: User = Depends(trainee_user), store: Store = Depends(get_store)
) -> Response:
    t = _trainee(store, user)

    def run() -> None:
        with store.begin() as conn:
            training.take(conn, number, t.username)

    return _act(number, run)


@router.post("/train/exercises/{number}/hint", include_in_schema=False)
def hint(
    number: int,
    kind: str = Form(...),
    user: User = Depends(trainee_user),
    store: Store = Depends(get_store),
) -> Response:
    t = _trainee(store, user)

    def run() -> None:
        with store.begin() as conn:
            training.hint(conn, number, t.username, kind)

    return _act(number, run)


@router.post("/train/exercises/{number}/answer", include_in_schema=False)
def answer(
    number: int,
    text: str = Form(""),
    user: User = Depends(trainee_user),
    store: Store = Depends(get_store),
) -> Response:
    t = _trainee(store, user)

    def run() -> None:
        with store.begin() as conn:
            training.answer(conn, number, t.username, text)

    return _act(number, run)


@router.get("/train/instructor", response_class=HTMLResponse, include_in_schema=False)
def instructor_page(
    request: Request,
    class_name: str | None = None,
    error: str | None = None,
    created: str | None = None,
    user: User = Depends(instructor_page_user),
    store: Store = Depends(get_store),
) -> HTMLResponse:
    with store.connect() as conn:
        classes = training.list_classes(conn)
        chosen = class_name or (classes[0].name if classes else None)
        progress, exercises = [], []
        if chosen:
            try:
                progress = training.progress(conn, chosen)
                exercises = training.list_exercises(conn, chosen)
            except NotFoundError:
                error, chosen = f"no class {chosen!r}", None
    ctx = {
        "user": user,
        "classes": classes,
        "chosen": chosen,
        "progress": progress,
        "exercises": exercises,
        "ciphers": named.names(),
        # languages and their traffic alphabets (pl26: Polish as sent in 26 Latin letters)
        "languages": list(ALL_ALPHABETS),
        "kinds": messages.KINDS,
        "error": error,
        "created": created,
    }
    return _page(request, "train/instructor.html", ctx)


@router.post("/train/instructor/exercises", include_in_schema=False)
def create_exercises(
    class_name: str = Form(...),
    set_name: str = Form(""),
    cipher: str = Form("caesar"),
    language: str = Form("ru"),
    kind: str = Form("report"),
    difficulty: int = Form(2),
    letters: str = Form(""),
    count: int = Form(1),
    user: User = Depends(instructor_user),
    store: Store = Depends(get_store),
) -> Response:
    base = f"/train/instructor?class_name={quote(class_name)}"
    try:
        n_letters = int(letters) if letters.strip() else None
    except ValueError:
        return RedirectResponse(base + "&error=" + quote("length must be a number"), 303)
    try:
        with store.begin() as conn:
            made = training.new_exercises(
                conn,
                cipher,
                language,
                letters=n_letters,
                difficulty=difficulty,
                kind=kind,
                count=count,
                class_name=class_name,
                set_name=set_name.strip() or None,
                actor=user.username,
            )
    except LiaisonError as exc:
        return RedirectResponse(base + "&error=" + quote(str(exc)), 303)
    nums = ",".join(str(e.number) for e in made)
    return RedirectResponse(base + "&created=" + quote(nums), 303)


@router.get("/train/classes", response_class=HTMLResponse, include_in_schema=False)
def classes_page(
    request: Request,
    error: str | None = Query(None, max_length=500),
    done: str | None = Query(None, max_length=200),
    user: User = Depends(instructor_page_user),
    store: Store = Depends(get_store),
) -> HTMLResponse:
    """Classes with their trainees; create a class and enrol trainees (as `liaison train class
    add` and `liaison train trainee add`, audited by the library)."""
    with store.connect() as conn:
        classes = training.list_classes(conn)
        trainees = training.list_trainees(conn)
    by_class: dict[str, list[training.Trainee]] = {k.name: [] for k in classes}
    for t in trainees:
        by_class.setdefault(t.class_name, []).append(t)
    ctx = {"classes": classes, "by_class": by_class, "error": error, "done": done}
    return _page(request, "train/classes.html", ctx)


def _classes_back(error: str | None = None, done: str | None = None) -> RedirectResponse:
    q = f"?error={quote(error)}" if error else f"?done={quote(done)}" if done else ""
    return RedirectResponse(f"/train/classes{q}", status_code=303)


@router.post("/train/classes", include_in_schema=False)
def class_add(
    name: str = Form(..., max_length=100, pattern=NO_NUL),
    user: User = Depends(instructor_user),
    store: Store = Depends(get_store),
) -> Response:
    """A new class taught by the signed-in instructor."""
    try:
        with store.begin() as conn:
            k = training.add_class(conn, name, user.username, actor=user.username)
    except LiaisonError as exc:
        return _classes_back(error=str(exc))
    return _classes_back(done=f"class {k.name} added")


@router.post("/train/classes/enrol", include_in_schema=False)
def class_enrol(
    class_name: str = Form(..., max_length=100, pattern=NO_NUL),
    username: str = Form(..., max_length=100, pattern=NO_NUL),
    name: str = Form("", max_length=200, pattern=NO_NUL),
    user: User = Depends(instructor_user),
    store: Store = Depends(get_store),
) -> Response:
    """Enrol a user (by their web username) as a trainee of a class."""
    try:
        with store.begin() as conn:
            t = training.add_trainee(conn, username, name, class_name, actor=user.username)
    except LiaisonError as exc:
        return _classes_back(error=str(exc))
    return _classes_back(done=f"{t.username} enrolled in {t.class_name}")
