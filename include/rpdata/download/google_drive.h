// Google Drive's large-file downloads: `https://drive.google.com/uc?export=download&id=ID`
// answers a file it cannot virus-scan (over ~100 MB, such as RedPajama's CommonCrawl
// classifier) with an HTML page and status 200 instead of the bytes. The page holds the way
// on: a form `<form id="download-form" action="https://drive.usercontent.google.com/download">`
// whose hidden inputs (id, export, confirm, uuid) make the real request, or, on older pages,
// a link `/uc?export=download&amp;confirm=TOKEN&amp;id=ID`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rpdata::download {

// True when `head` (the first bytes of a response body) is an HTML page.
bool looks_like_html(std::string_view head);

// The URL Drive's confirmation page `html`, fetched from `page_url`, leads to; nullopt when
// the page is no confirmation page (an error page, a quota notice). Relative actions and
// links resolve against `page_url`'s scheme and host.
std::optional<std::string> drive_confirm_url(std::string_view html, const std::string& page_url);

}  // namespace rpdata::download
