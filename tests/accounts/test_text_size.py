"""大字模式: the switch, remembered for the person (User.large_text) and, before login, for the device
(a cookie); the pages it changes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts import text_size
from accounts.models import User

pytestmark = pytest.mark.django_db

SWITCH = reverse("accounts:text_size")
LOGIN = reverse("accounts:login")
PASSWORD = "pass-word-123"  # tests/conftest.py's personas


def large(user: User) -> bool:
    user.refresh_from_db()
    return user.large_text


class TestTheSwitch:
    def test_a_visitor_s_choice_is_kept_by_the_device(self, client):
        response = client.post(SWITCH, {"size": "large", "next": "/accounts/login/"})
        assert response.status_code == 302 and response["Location"] == "/accounts/login/"
        cookie = response.cookies[text_size.COOKIE]
        assert cookie.value == "large" and cookie["max-age"] == text_size.COOKIE_MAX_AGE
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        html = client.get(LOGIN).content.decode()
        assert 'class="large-text"' in html and "css/large-text.css" in html
        assert 'aria-pressed="true"' in html

    def test_a_signed_in_person_s_choice_is_their_own_and_the_device_s(self, client, people):
        client.force_login(people.wang)
        response = client.post(SWITCH, {"size": "large", "next": "/me/"})
        assert response["Location"] == "/me/" and response.cookies[text_size.COOKIE].value == "large"
        assert large(people.wang)
        # Another device (no cookie) shows the person's choice.
        other = Client()
        other.force_login(people.wang)
        assert "css/large-text.css" in other.get("/me/").content.decode()
        client.post(SWITCH, {"size": "normal", "next": "/me/"})
        assert not large(people.wang)
        assert "css/large-text.css" not in other.get("/me/").content.decode()

    def test_the_person_s_choice_wins_over_the_device_s_once_signed_in(self, client, people):
        client.cookies[text_size.COOKIE] = "large"
        client.force_login(people.wang)  # not through the login page: nothing carried over
        assert "css/large-text.css" not in client.get("/me/").content.decode()

    @pytest.mark.parametrize("size", ["", "huge", "LARGE", "1"])
    def test_an_unknown_size_is_refused_and_nothing_is_written(self, client, people, size):
        client.force_login(people.wang)
        response = client.post(SWITCH, {"size": size, "next": "/me/"})
        assert response.status_code == 400
        assert response.content.decode() == "请选择大字或普通字号。"  # the page language, zh-hans
        assert text_size.COOKIE not in response.cookies
        assert not large(people.wang)

    def test_a_missing_size_is_refused(self, client):
        response = client.post(SWITCH, {"next": "/"})
        assert response.status_code == 400 and text_size.COOKIE not in response.cookies

    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/me/", "javascript:alert(1)", ""])
    def test_it_never_sends_anyone_off_the_site(self, client, target):
        response = client.post(SWITCH, {"size": "large", "next": target})
        assert response.status_code == 302 and response["Location"] == "/"

    def test_it_is_a_post_only_endpoint(self, client, people):
        client.force_login(people.wang)
        assert client.get(SWITCH, {"size": "large"}).status_code == 405
        assert not large(people.wang)

    def test_it_needs_the_csrf_token(self, people):
        client = Client(enforce_csrf_checks=True)
        client.force_login(people.wang)
        assert client.post(SWITCH, {"size": "large", "next": "/"}).status_code == 403
        assert not large(people.wang)


class TestLoggingIn:
    def test_large_text_chosen_on_the_login_page_is_carried_onto_the_person(self, client, people):
        client.post(SWITCH, {"size": "large", "next": LOGIN})
        client.post(LOGIN, {"username": "wang", "password": PASSWORD})
        assert large(people.wang)

    def test_an_old_normal_cookie_never_turns_a_person_s_large_text_off(self, client, people):
        people.wang.large_text = True
        people.wang.save(update_fields=["large_text"])
        client.cookies[text_size.COOKIE] = "normal"
        client.post(LOGIN, {"username": "wang", "password": PASSWORD})
        assert large(people.wang)

    def test_a_failed_login_writes_nothing(self, client, people):
        client.cookies[text_size.COOKIE] = "large"
        client.post(LOGIN, {"username": "wang", "password": "wrong-password"})
        assert not large(people.wang)

    def test_the_switch_is_on_the_login_page_after_the_login_form(self, client):
        html = client.get(LOGIN).content.decode()
        assert html.count('class="text-size-switch"') == 1
        assert html.index(f'action="{LOGIN}"') < html.index('class="text-size-switch"')

    def test_the_switch_is_in_the_top_bar_once_signed_in(self, client, people):
        client.force_login(people.olga)
        html = client.get("/").content.decode()
        topbar = html[html.index('<header class="topbar">') : html.index("</header>")]
        assert 'class="text-size-switch"' in topbar


class TestTheWorkersHome:
    def test_in_large_text_it_is_three_big_buttons(self, client, people, household_a):
        people.wang.large_text = True
        people.wang.save(update_fields=["large_text"])
        client.force_login(people.wang)
        html = client.get(reverse("me:home")).content.decode()
        buttons = html[html.index('class="big-buttons"') :]
        buttons = buttons[: buttons.index("</ul>")]
        assert buttons.count('<a class="big-button') == 3
        for page in ("matching:mine", "jobs:my_applications", "training:home"):
            assert f'href="{reverse(page)}"' in buttons
        assert 'action="/me/skills/add/"' not in html  # the rest is one tap away
        assert 'href="?full=1"' in html
        full = client.get(reverse("me:home"), {"full": "1"}).content.decode()
        assert 'action="/me/skills/add/"' in full and 'class="big-buttons"' in full

    def test_a_form_sent_back_with_errors_is_shown_in_large_text(self, client, people, household_a):
        people.wang.large_text = True
        people.wang.save(update_fields=["large_text"])
        client.force_login(people.wang)
        html = client.post(reverse("me:skill_add"), {"phrase": "", "level": "skilled"}).content.decode()
        assert 'action="/me/skills/add/"' in html and 'role="alert"' in html

    def test_in_normal_text_it_is_unchanged(self, client, people, household_a):
        client.force_login(people.wang)
        html = client.get(reverse("me:home")).content.decode()
        assert 'class="big-buttons"' not in html and 'action="/me/skills/add/"' in html
