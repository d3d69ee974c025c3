from core import qrcodes


def test_a_code_reads_back_and_is_the_same_every_time() -> None:
    token = qrcodes.sign({"e": 7}, salt="training.attendance")
    assert token == qrcodes.sign({"e": 7}, salt="training.attendance")
    assert qrcodes.unsign(token, salt="training.attendance") == {"e": 7}
    assert qrcodes.unsign(f"  {token}\n", salt="training.attendance") == {"e": 7}


def test_altered_forged_or_foreign_codes_read_as_none() -> None:
    token = qrcodes.sign({"e": 7}, salt="training.attendance")
    payload, signature = token.rsplit(":", 1)
    altered = qrcodes.sign({"e": 8}, salt="training.attendance").rsplit(":", 1)[0] + ":" + signature
    for bad in (altered, token[:-2] + "xx", "garbage", "", payload):
        assert qrcodes.unsign(bad, salt="training.attendance") is None
    assert qrcodes.unsign(token, salt="fairs.checkin") is None


def test_the_svg_is_inline_and_titled() -> None:
    svg = qrcodes.svg("ABC", title="Check-in <code>")
    assert svg.startswith('<figure class="qr" aria-label="Check-in &lt;code&gt;">') and "<svg" in svg
