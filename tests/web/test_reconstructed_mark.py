"""Items 4–9 of 9.2 are not in the seed report: the dashboard says so beside each of them."""

from tests.web.conftest import DASHBOARD, _no_two_factor_unless_asked, officer_client, site  # noqa: F401


def test_the_dashboard_marks_the_reconstructed_items(officer_client):  # noqa: F811
    html = officer_client.get(DASHBOARD).content.decode()
    assert html.count('data-testid="reconstructed"') == 6
    assert "(เรียบเรียงขึ้นใหม่)" in html
    row = html.split('<td class="num">๑๐</td>')[1].split("</tr>")[0]
    assert "reconstructed" not in row  # item 10 is the seed's own
