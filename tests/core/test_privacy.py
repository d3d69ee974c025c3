"""Personal data at rest: field encryption, keyed hashes, key rotation, the start-up canary, masking,
and the one place domain errors become HTTP answers."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.utils import translation
from rest_framework import exceptions as drf_exceptions

from core import checks, crypto
from core.api import exception_handler
from core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from core.masking import mask_id_number, mask_phone
from core.models import EncryptionCanary
from households.models import Household, Member
from tests.factories import HouseholdFactory, MemberFactory


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; the interface is Chinese by default."""
    with translation.override("en"):
        yield


def new_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def key_a(settings) -> str:
    """Run the test under a fresh key A (the settings fixture restores the real keys afterwards)."""
    key = new_key()
    settings.FIELD_ENCRYPTION_KEYS = [key]
    return key


# --- encryption ---------------------------------------------------------------------------------------


class TestEncryption:
    @pytest.mark.parametrize("plaintext", ["150624198503140011", "王强 患慢性肾病", "", "x" * 5000])
    def test_a_value_round_trips(self, plaintext):
        token = crypto.encrypt(plaintext)
        assert crypto.decrypt(token) == plaintext

    def test_the_token_does_not_contain_the_value_and_differs_each_time(self):
        first, second = crypto.encrypt("150624198503140011"), crypto.encrypt("150624198503140011")
        assert "150624198503140011" not in first
        assert first != second

    def test_a_token_made_under_another_key_raises(self, settings, key_a):
        token = crypto.encrypt("王强")
        settings.FIELD_ENCRYPTION_KEYS = [new_key()]
        with pytest.raises(crypto.EncryptionKeyError, match="cannot be decrypted"):
            crypto.decrypt(token)

    @pytest.mark.parametrize("token", ["not-a-token", "gAAAAABbroken", "中文"])
    def test_garbage_raises_the_same_error(self, token):
        with pytest.raises(crypto.EncryptionKeyError):
            crypto.decrypt(token)

    def test_no_keys_at_all_raises(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = []
        with pytest.raises(crypto.EncryptionKeyError, match="empty"):
            crypto.encrypt("王强")

    def test_a_new_key_first_and_the_old_second_still_reads_old_tokens(self, settings, key_a):
        old_token = crypto.encrypt("王强")
        key_b = new_key()
        settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
        assert crypto.decrypt(old_token) == "王强"
        new_token = crypto.encrypt("李梅")
        settings.FIELD_ENCRYPTION_KEYS = [key_b]
        assert crypto.decrypt(new_token) == "李梅"  # new values go under the newest key
        with pytest.raises(crypto.EncryptionKeyError):
            crypto.decrypt(old_token)

    def test_rotate_re_encrypts_under_the_newest_key(self, settings, key_a):
        old_token = crypto.encrypt("王强")
        key_b = new_key()
        settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
        rotated = crypto.rotate(old_token)
        settings.FIELD_ENCRYPTION_KEYS = [key_b]
        assert crypto.decrypt(rotated) == "王强"

    def test_rotate_refuses_a_token_no_configured_key_reads(self, settings, key_a):
        token = crypto.encrypt("王强")
        settings.FIELD_ENCRYPTION_KEYS = [new_key()]
        with pytest.raises((crypto.EncryptionKeyError, InvalidToken)):
            crypto.rotate(token)


class TestKeyedHash:
    def test_the_same_value_gives_the_same_hash(self):
        assert crypto.keyed_hash("150624198503140011") == crypto.keyed_hash("150624198503140011")

    def test_different_values_give_different_hashes(self):
        assert crypto.keyed_hash("150624198503140011") != crypto.keyed_hash("150624198503140012")

    def test_the_hash_depends_on_the_key(self, settings):
        before = crypto.keyed_hash("150624198503140011")
        settings.FIELD_HASH_KEY = "another-hash-key"
        assert crypto.keyed_hash("150624198503140011") != before

    def test_the_hash_is_hex_sha256_and_not_the_plain_sha256(self):
        import hashlib

        value = "150624198503140011"
        hashed = crypto.keyed_hash(value)
        assert len(hashed) == 64 and int(hashed, 16) >= 0
        assert hashed != hashlib.sha256(value.encode()).hexdigest()


# --- encrypted fields ---------------------------------------------------------------------------------


@pytest.mark.django_db
class TestEncryptedFields:
    @pytest.mark.parametrize(
        "lookup",
        [
            {"id_number": "150624198503140011"},
            {"id_number__startswith": "150624"},
            {"health__icontains": "病"},
            {"monthly_income__gt": 0},
            {"id_number__in": ["150624198503140011"]},
        ],
    )
    def test_lookups_other_than_isnull_are_refused(self, lookup):
        with pytest.raises(TypeError, match="cannot be searched"):
            Member.objects.filter(**lookup)

    def test_isnull_lookups_work(self):
        household = HouseholdFactory(income_per_head=None)
        HouseholdFactory(income_per_head="100")
        assert list(Household.objects.filter(income_per_head__isnull=True)) == [household]

    def test_values_are_stored_encrypted_and_read_back(self):
        member = MemberFactory(health="慢性肾病", monthly_income="1234.5")
        with connection.cursor() as cursor:
            cursor.execute("SELECT health, monthly_income FROM households_member WHERE id = %s", [member.pk])
            health, income = cursor.fetchone()
        assert "肾" not in health and "1234" not in income
        member = Member.objects.get(pk=member.pk)
        assert member.health == "慢性肾病"
        assert member.monthly_income == Decimal("1234.50")

    def test_an_empty_value_is_stored_empty(self):
        member = MemberFactory(health="", monthly_income=None)
        with connection.cursor() as cursor:
            cursor.execute("SELECT health, monthly_income FROM households_member WHERE id = %s", [member.pk])
            assert cursor.fetchone() == ("", None)

    def test_an_encrypted_amount_that_is_not_a_number_is_refused(self):
        with pytest.raises(ValidationError):
            MemberFactory(monthly_income="很多")

    def test_reading_rows_under_the_wrong_key_raises_instead_of_showing_ciphertext(self, settings, key_a):
        member = MemberFactory(health="慢性肾病")
        settings.FIELD_ENCRYPTION_KEYS = [new_key()]
        with pytest.raises(crypto.EncryptionKeyError):
            Member.objects.get(pk=member.pk)

    def test_rows_saved_during_rotation_move_to_the_new_key(self, settings, key_a):
        member = MemberFactory(health="慢性肾病")
        key_b = new_key()
        settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]
        Member.objects.get(pk=member.pk).save()
        settings.FIELD_ENCRYPTION_KEYS = [key_b]
        assert Member.objects.get(pk=member.pk).health == "慢性肾病"

    def test_the_rotation_command_lets_the_old_key_be_dropped(self, settings):
        from core.checks import ensure_canary, verify_encryption_keys

        ensure_canary()
        old = list(settings.FIELD_ENCRYPTION_KEYS)  # the keys the database was written with
        member = MemberFactory(health="慢性肾病")
        key_b = new_key()
        settings.FIELD_ENCRYPTION_KEYS = [key_b, *old]
        call_command("rotate_field_keys", stdout=StringIO())
        settings.FIELD_ENCRYPTION_KEYS = [key_b]
        reloaded = Member.objects.get(pk=member.pk)
        assert (reloaded.health, reloaded.id_number) == ("慢性肾病", member.id_number)
        assert verify_encryption_keys() == []  # the canary moved to the new key too


# --- the start-up canary ------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCanary:
    @pytest.fixture(autouse=True)
    def canary(self):
        checks.ensure_canary()
        return EncryptionCanary.objects.get()

    def test_the_configured_keys_pass(self):
        assert checks.verify_encryption_keys() == []

    def test_ensure_canary_writes_one_row_only(self):
        checks.ensure_canary()
        assert EncryptionCanary.objects.count() == 1

    def test_the_canary_is_stored_encrypted(self, canary):
        assert EncryptionCanary.KNOWN_PLAINTEXT not in canary.token
        assert crypto.decrypt(canary.token) == EncryptionCanary.KNOWN_PLAINTEXT

    def test_a_swapped_encryption_key_is_core_e001(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = [new_key()]
        assert [e.id for e in checks.verify_encryption_keys()] == ["core.E001"]

    def test_empty_encryption_keys_are_core_e001(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = []
        assert [e.id for e in checks.verify_encryption_keys()] == ["core.E001"]

    def test_a_changed_hash_key_is_core_e002(self, settings):
        settings.FIELD_HASH_KEY = "not-the-original-hash-key"
        assert [e.id for e in checks.verify_encryption_keys()] == ["core.E002"]

    def test_both_keys_wrong_report_both_errors(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = [new_key()]
        settings.FIELD_HASH_KEY = "not-the-original-hash-key"
        assert sorted(e.id for e in checks.verify_encryption_keys()) == ["core.E001", "core.E002"]

    def test_a_new_key_in_front_of_the_old_one_passes(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = [new_key(), *settings.FIELD_ENCRYPTION_KEYS]
        assert checks.verify_encryption_keys() == []

    def test_no_canary_yet_passes(self):
        EncryptionCanary.objects.all().delete()
        assert checks.verify_encryption_keys() == []

    def test_the_database_check_stops_manage_py_check(self, settings):
        settings.FIELD_ENCRYPTION_KEYS = [new_key()]
        with pytest.raises(SystemCheckError, match=r"core\.E001"):
            call_command("check", "--database", "default", stdout=StringIO(), stderr=StringIO())


# --- masking ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110105194912310025", "110105********0025"),
        ("15062419850314001X", "150624********001X"),
        ("152725850314001", "152725*****4001"),  # the old 15-digit numbers
        ("1234567890", "**********"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("4773123456", "477***3456"),
        ("123456", "******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


def test_mask_phone_never_shows_a_number_whole():
    assert mask_phone("3123456") != "3123456"


def test_a_masked_id_number_hides_the_birth_date():
    masked = mask_id_number("110105194912310025")
    assert "19491231" not in masked
    assert len(masked) == 18


# --- domain errors become HTTP answers ----------------------------------------------------------------


class TestExceptionHandler:
    @pytest.mark.parametrize(
        ("error", "status", "code"),
        [
            (InvalidInput("Enter the address.", field="address"), 400, "invalid"),
            (Forbidden("Your role does not allow this."), 403, "forbidden"),
            (NotFound("No such household."), 404, "not_found"),
            (Conflict("Archive number taken.", field="number"), 409, "conflict"),
            (DomainError("A rule said no."), 400, "invalid"),
        ],
    )
    def test_each_domain_error_gets_its_status_and_code(self, error, status, code):
        response = exception_handler(error, {})
        assert response.status_code == status
        assert response.data["code"] == code
        assert response.data["detail"] == error.message

    def test_the_field_is_given_when_there_is_one_and_left_out_otherwise(self):
        assert exception_handler(InvalidInput("x", field="address"), {}).data == {
            "detail": "x",
            "code": "invalid",
            "field": "address",
        }
        assert exception_handler(Forbidden("y"), {}).data == {"detail": "y", "code": "forbidden"}

    def test_a_custom_code_and_details_are_passed_on(self):
        error = InvalidInput("Two lines are bad.", code="bad_file", details=[{"line": 2, "message": "?"}])
        assert exception_handler(error, {}).data == {
            "detail": "Two lines are bad.",
            "code": "bad_file",
            "details": [{"line": 2, "message": "?"}],
        }

    def test_a_django_validation_error_is_a_400_per_field(self):
        response = exception_handler(ValidationError({"phone": ["Not a phone number."]}), {})
        assert response.status_code == 400
        assert response.data == {"phone": ["Not a phone number."]}

    def test_a_plain_django_validation_error_is_a_400_with_its_messages(self):
        response = exception_handler(ValidationError("Not allowed."), {})
        assert response.status_code == 400
        assert response.data == {"detail": ["Not allowed."]}

    def test_drf_exceptions_are_left_to_drf(self):
        assert exception_handler(drf_exceptions.NotAuthenticated(), {}).status_code == 401
        assert exception_handler(drf_exceptions.MethodNotAllowed("DELETE"), {}).status_code == 405

    def test_other_exceptions_are_not_turned_into_answers(self):
        assert exception_handler(ValueError("boom"), {}) is None
