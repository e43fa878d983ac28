"""Subject access and who looked (issue #20, parts 3 and 5): the administrator finds a trainee
and downloads everything held about her; the trainee downloads her own (a large record, made
in the background) and sees who has looked at her record, the administrator's request among
them; the lead nurse searches the access log. Every page is checked with axe-core at desktop
width and 390 px, and screenshotted under var/screenshots/subject-access-*.png."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _archive(download) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))


def _evidence_is_whole(archive: zipfile.ZipFile, rich) -> None:
    data = json.loads(archive.read("data.json"))
    evidence = data["categories"]["evidence"]["parts"]["evidence"]["records"]
    for record in evidence:
        name = record["title"].removeprefix("Evidence ")
        assert archive.read(record["file_in_archive"]) == rich.evidence_files[name]
    assert "summary.html" in archive.namelist()


def test_subject_access_journey(
    page, live_server, settings, sign_in, sign_out, visit, open_from_header, open_governance
):
    rich = factories.rich_person()

    # 1. The administrator finds Rita by a search and downloads everything held about her.
    sign_in(rich.administrator.email, factories.PASSWORD)
    open_governance("Subject access")
    expect(page.get_by_role("heading", name="Subject access", level=1)).to_be_visible()
    visit("subject-access-admin")
    page.get_by_label("Find the person").fill("rita")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table", name="People matching “rita”")).to_be_visible()
    visit("subject-access-admin-found")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download everything held about Rita Rich").click()
    assert re.match(
        r"^pathway-subject-access-rita-rich-.*\.zip$", download.value.suggested_filename
    )
    _evidence_is_whole(_archive(download), rich)
    sign_out()

    # 2. Rita asks for her own from her account. Her record counts as large here: it is made
    # in the background and she downloads it from the job's page.
    settings.PATHWAY_SUBJECT_ACCESS_IN_BACKGROUND_OVER = 0
    sign_in(rich.trainee.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="Download everything Pathway holds about you").click()
    expect(
        page.get_by_role("heading", name="Everything Pathway holds about you", level=1)
    ).to_be_visible()
    visit("subject-access-my-data")
    page.get_by_role("button", name="Download your archive").click()
    expect(page.get_by_text("Ready to download.")).to_be_visible()
    visit("subject-access-my-data-job")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download .*\.zip$")).click()
    _evidence_is_whole(_archive(download), rich)

    # 3. She sees who has looked at her record: the administrator's request, and the lead
    # nurse's look at her current competence.
    page.goto(f"{live_server.url}/account/")
    page.get_by_role("link", name="Who has looked at your record").click()
    looks = page.get_by_role("table", name=re.compile("^Looks at your record"))
    expect(looks.get_by_role("row").filter(has_text="Adam Admin")).to_contain_text(
        "Everything held (subject access)"
    )
    expect(looks.get_by_role("row").filter(has_text="Lena Lead")).to_contain_text(
        "Current competence"
    )
    visit("subject-access-who-looked")
    sign_out()

    # 4. The lead nurse searches the access log for looks at Rita's record.
    sign_in(rich.lead_nurse.email, factories.PASSWORD)
    open_governance("Who looked at records")
    page.get_by_label("Whose record").fill("Rita")
    page.get_by_role("button", name="Search").click()
    found = page.get_by_role("table", name=re.compile("^Looks matching your search"))
    expect(found.get_by_role("row").filter(has_text="Adam Admin")).to_be_visible()
    visit("subject-access-access-log")
