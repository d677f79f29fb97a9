"""Votes under concurrent requests: one short transaction each, no event lock, exact counts."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations import questions
from registrations.models import QuestionVote, Registration
from tests.factories import EventFactory, PanelQuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 100


@pytest.fixture
def question_with_voters():
    event = EventFactory(questions_moderated=False)
    question = PanelQuestionFactory(event=event, registration__event=event)
    voters = RegistrationFactory.create_batch(
        VOTERS,
        event=event,
        status=Registration.Status.CONFIRMED,
        email_confirmed_at=timezone.now(),
    )
    return question, voters


def test_a_hundred_concurrent_votes_on_one_question_are_counted_exactly(question_with_voters):
    question, voters = question_with_voters
    # Every voter clicks twice at once; 20 connections at a time, released together.
    clicks = [voter for voter in voters for _ in range(2)]
    barrier = threading.Barrier(20)

    def click(voter):
        try:
            barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            pass  # the last, smaller wave
        try:
            return questions.vote(registration=voter, question_id=question.pk)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(click, clicks))

    assert results.count(True) == VOTERS
    assert results.count(False) == VOTERS
    assert QuestionVote.objects.filter(question=question).count() == VOTERS


def test_a_vote_takes_no_lock_on_the_event(question_with_voters):
    question, voters = question_with_voters

    with CaptureQueriesContext(connection) as queries:
        questions.vote(registration=voters[0], question_id=question.pk)
        questions.withdraw_vote(registration=voters[0], question_id=question.pk)

    sql = " ".join(query["sql"] for query in queries.captured_queries).upper()
    assert "FOR UPDATE" not in sql
    assert "UPDATE \"EVENTS_EVENT\"" not in sql
