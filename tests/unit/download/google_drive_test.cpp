#include "rpdata/download/google_drive.h"

#include <gtest/gtest.h>

namespace rpdata::download {
namespace {

// The page drive.google.com/uc?export=download answers for a file over its scan limit (the
// shape it has had since 2024: a form to drive.usercontent.google.com).
constexpr const char* kConfirmPage =
    "<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title><meta http-equiv=\"content-type\" "
    "content=\"text/html; charset=utf-8\"/></head><body><div class=\"uc-main\"><div id=\"uc-text\"><p "
    "class=\"uc-warning-caption\">Google Drive can&#39;t scan this file for viruses.</p><form id=\"download-form\" "
    "action=\"https://drive.usercontent.google.com/download\" method=\"get\"><input type=\"submit\" "
    "id=\"uc-download-link\" class=\"goog-inline-block jfk-button jfk-button-action\" value=\"Download anyway\"/>"
    "<input type=\"hidden\" name=\"id\" value=\"1DnsfpWWE0jFPCoYe6clwqb3Ub5Ac92s1\"><input type=\"hidden\" "
    "name=\"export\" value=\"download\"><input type=\"hidden\" name=\"confirm\" value=\"t\"><input type=\"hidden\" "
    "name=\"uuid\" value=\"0c4e2a10-1b2c-4d5e-8f90-a1b2c3d4e5f6\"></form></div></div></body></html>";

TEST(GoogleDrive, TodaysConfirmationFormLeadsToTheUsercontentHost) {
  auto url = drive_confirm_url(kConfirmPage, "https://drive.google.com/uc?export=download&id=1Dns");
  ASSERT_TRUE(url);
  EXPECT_EQ(*url,
            "https://drive.usercontent.google.com/download?id=1DnsfpWWE0jFPCoYe6clwqb3Ub5Ac92s1&export=download&"
            "confirm=t&uuid=0c4e2a10-1b2c-4d5e-8f90-a1b2c3d4e5f6");
}

TEST(GoogleDrive, OlderPagesCarryAConfirmTokenLink) {
  std::string page =
      "<html><body><a id=\"uc-download-link\" class=\"goog-inline-block jfk-button\" "
      "href=\"/uc?export=download&amp;confirm=Xy_9&amp;id=1Dns\">Download anyway</a></body></html>";
  auto url = drive_confirm_url(page, "https://drive.google.com/uc?export=download&id=1Dns");
  ASSERT_TRUE(url);
  EXPECT_EQ(*url, "https://drive.google.com/uc?export=download&confirm=Xy_9&id=1Dns");
}

TEST(GoogleDrive, OtherPagesAreNoConfirmation) {
  EXPECT_FALSE(drive_confirm_url("<!DOCTYPE html><html><head><title>Google Drive - Quota exceeded</title></head>"
                                 "<body>Too many users have viewed or downloaded this file recently.</body></html>",
                                 "https://drive.google.com/uc?id=x"));
  // A form without the confirm field (a sign-in form) is not one either.
  EXPECT_FALSE(drive_confirm_url("<html><form action=\"/download\"><input type=\"hidden\" name=\"id\" value=\"x\">"
                                 "</form></html>",
                                 "https://drive.google.com/uc?id=x"));
  // A "</form" before the form tag's end: the body runs to the page's end, no length wraps.
  auto url = drive_confirm_url("<form id=\"download-form\" x=\"</form\" action=\"https://h/download\">"
                               "<input type=\"hidden\" name=\"id\" value=\"x\">"
                               "<input type=\"hidden\" name=\"confirm\" value=\"t\">",
                               "https://drive.google.com/uc?id=x");
  ASSERT_TRUE(url);
  EXPECT_NE(url->find("confirm=t"), std::string::npos) << *url;
}

TEST(GoogleDrive, HtmlIsToldFromModelBytes) {
  EXPECT_TRUE(looks_like_html("<!DOCTYPE html><html>"));
  EXPECT_TRUE(looks_like_html("\n  <HTML><head>"));
  EXPECT_FALSE(looks_like_html(std::string_view("\xba\x16\x4f\x2f\x0c\x00\x00\x00", 8)));  // fastText magic
  EXPECT_FALSE(looks_like_html("{\"version\": \"1.0\"}"));  // tokenizer.json
  EXPECT_FALSE(looks_like_html(""));
}

}  // namespace
}  // namespace rpdata::download
