"""The extension points: every question core asks is answered by an app once the apps are
loaded, and every hook has something plugged into it."""

from maarid.core import hooks


def _all(kind):
    return {n: h for n, h in vars(hooks).items() if isinstance(h, kind)}


def test_every_question_is_answered_once_the_apps_are_loaded():
    unanswered = [n for n, q in _all(hooks.Question).items() if q._answer is None]
    assert not unanswered


def test_every_hook_has_a_provider():
    empty = [n for n, h in _all(hooks.Hook).items() if not h._providers]
    assert not empty


def test_a_question_nobody_answers_gives_its_default():
    question = hooks.Question("nobody_knows", default=())
    assert question("anything") == ()
    question.answer(lambda value: None)
    assert question("anything") == ()
    question.answer(lambda value: {"second": value})  # the first answer stands
    assert question("x") == ()


def test_a_hook_collects_every_providers_answer_once():
    hook = hooks.Hook("links")

    def one(edition):
        return ["one", edition]

    hook.add(one)
    hook.add(one)  # an app loaded twice (tests, reloads) does not answer twice
    hook.add(lambda edition: ["two"])
    assert hook.collect(3) == [["one", 3], ["two"]]
