#!/usr/bin/python3
"""Reference implementation of RedPajama's StackExchange steps (spec §7: filter.py then
post_processing.py) with Debian's python3-bs4 + python3-lxml, for the cross-check test.
Transcribed line by line from (rp_v1)
  togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:data_prep/stack_exchange/count.py
    (get_sites_count: lines minus 3),
  togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:data_prep/stack_exchange/filter.py
    (process_site: the row window, both passes, the Title/Body/Score defaults),
  togethercomputer/RedPajama-Data@f54b86f259f7ed40069fc18c3d3ac3af7e5cc3ba:data_prep/stack_exchange/post_processing.py
    (cleanhtml, process_qa_pair: the score sort on strings, the "Q: "/"\nA: " layout, meta).
Deliberate differences:
  - "language" is "" (lid.176 is not part of this check; the C++ side runs without a model
    and writes the same).
  - the site name is an argument; post_processing.py takes it from the qa_pairs file name.
  - one Posts.xml per run: no top-28 site selection (count.py / counts.json).
  - filter.py's two passes and post_processing.py run in one process without the parents/
    and qa_pairs/ JSON files between them (a json.dumps/json.loads round trip of strings and
    the int 0 changes nothing), and without the Pool.
  - Posts.xml is opened with encoding="utf-8"; filter.py uses the locale's encoding, the same
    under a UTF-8 locale.

usage: se_reference.py POSTS_XML SITE_NAME > out.jsonl
Writes one JSON line per Q/A document in RedPajama's order, exactly as post_processing.py
would (json.dumps defaults): {"text", "meta": {"language", "url", "timestamp", "source",
"question_score"}}.
"""
import json
import sys
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup


def cleanhtml(raw_html):
    raw_html = raw_html.replace("<li>", "\n*")
    raw_html = raw_html.replace("</li>", "")
    raw_html = raw_html.replace("<ol>", "\n*")
    raw_html = raw_html.replace("</ol>", "")
    return BeautifulSoup(raw_html, "lxml").get_text()


def main():
    path, site = sys.argv[1], sys.argv[2]
    with open(path, "r", encoding="utf-8") as f:
        lines = f.readlines()
    count = len(lines) - 3  # count.py: lines minus header (2) and footer (1)
    rows = [ET.fromstring(line) for i, line in enumerate(lines) if 1 < i <= count + 1]
    parents = {}
    for root in rows:  # filter.py pass 1: answers grouped by ParentId, file order
        if "ParentId" in root.attrib:
            parents.setdefault(root.attrib["ParentId"], []).append(
                {"id": root.attrib["Id"], "text": root.attrib["Body"], "score": root.attrib["Score"]})
    out = sys.stdout
    for root in rows:  # filter.py pass 2 + post_processing.py
        if "ParentId" in root.attrib:
            continue
        post_id = root.attrib["Id"]
        if post_id in parents:
            q = {"id": post_id, "text": f"{root.attrib['Title']} {root.attrib['Body']}", "score": root.attrib["Score"]}
            answers = sorted(parents[post_id], key=lambda x: x["score"], reverse=True)
            joined = "\nA: ".join(cleanhtml(a["text"]) for a in answers)
            text = f"Q: {cleanhtml(q['text'])}\nA: {joined}"
        elif "Title" in root.attrib:
            body = root.attrib["Body"] if "Body" in root.attrib else ""
            score = root.attrib["Score"] if "Score" in root.attrib else 0
            q = {"id": post_id, "text": f"{root.attrib['Title']} {body}", "score": score}
            text = f"Q: {cleanhtml(q['text'])}"
        else:
            continue
        rec = {"text": text, "meta": {"language": "", "url": f"https://{site}/questions/{q['id']}", "timestamp": "2023-03-29",
                                      "source": "stackexchange", "question_score": q["score"]}}
        out.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
