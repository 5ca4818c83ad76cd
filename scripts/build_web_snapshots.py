"""Write the offline snapshots of coursera, edx, futurelearn and example-university.

The snapshots are committed; this script documents how they were made and rebuilds them after an edit
(`python scripts/build_web_snapshots.py`). Titles, organisations and bundle memberships follow the real
catalogues as far as we know them; descriptions, dates, prices, durations and ids are invented (short, our
own words: no provider copy is reproduced). Wire formats follow the MIT-licensed mammooc samples
(shared/data/provider_api_samples) and schema.org as the providers embed it.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "spiders" / "snapshots"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def page(title: str, blocks: list[str], body: str = "") -> str:
    scripts = "\n".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
            f"{scripts}\n</head>\n<body>\n<main><h1>{title}</h1>\n{body}</main>\n</body>\n</html>\n")


def ld(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)


def urlset(urls: list[tuple[str, str]]) -> str:
    rows = "\n".join(f"  <url><loc>{u}</loc><lastmod>{d}</lastmod></url>" for u, d in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}\n</urlset>\n")


def sitemapindex(urls: list[tuple[str, str]]) -> str:
    """A sitemap index; each sub-sitemap's lastmod is its newest entry's (what a crawler's first filter reads)."""
    rows = "\n".join(f"  <sitemap><loc>{u}</loc><lastmod>{d}</lastmod></sitemap>" for u, d in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{rows}\n</sitemapindex>\n")


def html_escape_name(s: str) -> str:
    return s.replace("&", "&amp;")


# =========================================================================================================
# Coursera
# =========================================================================================================
CO = "https://www.coursera.org"
CO_PARTNERS = {
    "6": ("University of Pennsylvania", "penn"), "26": ("University of London", "london"),
    "65": ("University of Michigan", "umich"), "1027": ("Google", "google"), "1248": ("IBM", "ibm"),
    "1374": ("DeepLearning.AI", "deeplearning-ai"), "1503": ("Deep Teaching Solutions", "deep-teaching-solutions"),
}
# slug, name, partner, level, hours, skills, language
CO_COURSES = [
    ("python", "Programming for Everybody (Getting Started with Python)", "65", "Beginner", 19, ["Python Programming", "Computer Programming"]),
    ("python-data", "Python Data Structures", "65", "Beginner", 19, ["Python Syntax And Semantics", "Data Structures"]),
    ("python-network-data", "Using Python to Access Web Data", "65", "Beginner", 17, ["JSON", "Web Scraping", "XML"]),
    ("python-databases", "Using Databases with Python", "65", "Intermediate", 16, ["SQLite", "SQL", "Database Design"]),
    ("python-data-visualization", "Capstone: Retrieving, Processing, and Visualizing Data with Python", "65", "Intermediate", 9, ["Data Visualization", "Python Programming"]),
    ("neural-networks-deep-learning", "Neural Networks and Deep Learning", "1374", "Intermediate", 24, ["Deep Learning", "Artificial Neural Network", "Python Programming"]),
    ("deep-neural-network", "Improving Deep Neural Networks: Hyperparameter Tuning, Regularization and Optimization", "1374", "Intermediate", 23, ["TensorFlow", "Hyperparameter Tuning", "Mathematical Optimization"]),
    ("machine-learning-projects", "Structuring Machine Learning Projects", "1374", "Intermediate", 6, ["Machine Learning", "Decision-Making"]),
    ("convolutional-neural-networks", "Convolutional Neural Networks", "1374", "Intermediate", 35, ["Computer Vision", "Convolutional Neural Network"]),
    ("nlp-sequence-models", "Sequence Models", "1374", "Intermediate", 37, ["Natural Language Processing", "Recurrent Neural Network"]),
    ("technical-support-fundamentals", "Technical Support Fundamentals", "1027", "Beginner", 22, ["Technical Support", "Troubleshooting"]),
    ("computer-networking", "The Bits and Bytes of Computer Networking", "1027", "Beginner", 34, ["Computer Networking", "Domain Name System (DNS)"]),
    ("os-power-user", "Operating Systems and You: Becoming a Power User", "1027", "Beginner", 33, ["Linux", "Windows", "Command-Line Interface"]),
    ("system-administration-it-infrastructure-services", "System Administration and IT Infrastructure Services", "1027", "Beginner", 27, ["System Administration", "Cloud Computing"]),
    ("it-security", "IT Security: Defense against the digital dark arts", "1027", "Beginner", 31, ["Cybersecurity", "Cryptography"]),
    ("what-is-datascience", "What is Data Science?", "1248", "Beginner", 11, ["Data Science", "Big Data"]),
    ("open-source-tools-for-data-science", "Tools for Data Science", "1248", "Beginner", 18, ["Jupyter", "RStudio", "GitHub"]),
    ("data-science-methodology", "Data Science Methodology", "1248", "Beginner", 6, ["Data Science", "CRISP-DM"]),
    ("python-for-applied-data-science-ai", "Python for Data Science, AI & Development", "1248", "Beginner", 25, ["Python Programming", "Pandas", "NumPy"]),
    ("sql-data-science", "Databases and SQL for Data Science with Python", "1248", "Beginner", 20, ["SQL", "Relational Databases"]),
    ("learning-how-to-learn", "Learning How to Learn: Powerful mental tools to help you master tough subjects", "1503", "Beginner", 15, ["Learning", "Memory Improvement"]),
    ("gamification", "Gamification", "6", "Mixed", 16, ["Game Design", "Motivation"]),
    ("digitalmedia", "Creative Programming for Digital Media & Mobile Apps", "26", "Beginner", 30, ["Creative Coding", "Mobile Development"]),
]
CO_PROGRAMS = [
    # path kind, slug, name, type label, partner, courses, months, monthly price
    ("specializations", "python", "Python for Everybody", "Specialization", "65",
     ["python", "python-data", "python-network-data", "python-databases", "python-data-visualization"], 8, 49),
    ("specializations", "deep-learning", "Deep Learning", "Specialization", "1374",
     ["neural-networks-deep-learning", "deep-neural-network", "machine-learning-projects",
      "convolutional-neural-networks", "nlp-sequence-models"], 3, 49),
    ("professional-certificates", "google-it-support", "Google IT Support", "Professional Certificate", "1027",
     ["technical-support-fundamentals", "computer-networking", "os-power-user",
      "system-administration-it-infrastructure-services", "it-security"], 6, 49),
    ("professional-certificates", "ibm-data-science", "IBM Data Science", "Professional Certificate", "1248",
     ["what-is-datascience", "open-source-tools-for-data-science", "data-science-methodology",
      "python-for-applied-data-science-ai", "sql-data-science"], 5, 39),
]


def coursera() -> None:
    root = ROOT / "coursera"
    course_programs = {c: (kind, slug) for kind, slug, *_rest in CO_PROGRAMS for c in _rest[3]}
    write(root / "robots.txt",
          "# Offline stand-in for https://www.coursera.org/robots.txt (hand-written, plausible, not a copy).\n"
          "User-agent: *\nDisallow: /api/\nAllow: /api/courses.v1\nDisallow: /search\nDisallow: /account/\n"
          "Disallow: /*?*authMode=\n\nSitemap: https://www.coursera.org/sitemap.xml\n")
    write(root / "sitemap.xml", sitemapindex([(f"{CO}/sitemap~www~courses.xml", "2025-09-18"),
                                              (f"{CO}/sitemap~www~programs.xml", "2025-03-01")]))
    write(root / "sitemap~www~courses.xml", urlset(
        [(f"{CO}/learn/{c[0]}", f"2025-0{1 + i % 9}-1{i % 10}") for i, c in enumerate(CO_COURSES)]
        + [(f"{CO}/browse/data-science", "2025-01-01"), (f"{CO}/articles/what-is-python-used-for", "2025-01-02")]))
    write(root / "sitemap~www~programs.xml", urlset(
        [(f"{CO}/{p[0]}/{p[1]}", "2025-03-01") for p in CO_PROGRAMS]))
    for i, (slug, name, partner, level, hours, skills) in enumerate(CO_COURSES):
        url = f"{CO}/learn/{slug}"
        course = {
            "@type": "Course", "@id": f"{url}#course", "name": html_escape_name(name) if "&" in name else name,
            "url": url,
            "description": f"An online course in {skills[0].lower()} from {CO_PARTNERS[partner][0]}, with graded "
                           f"assignments and a shareable certificate. (Offline snapshot text.)",
            "provider": {"@type": "CollegeOrUniversity" if partner in ("6", "26", "65") else "Organization",
                         "name": CO_PARTNERS[partner][0], "sameAs": f"{CO}/{CO_PARTNERS[partner][1]}"},
            "inLanguage": "en", "educationalLevel": level, "teaches": skills, "timeRequired": f"PT{hours}H",
            "hasCourseInstance": [{"@type": "CourseInstance", "courseMode": "Online", "courseWorkload": f"PT{hours}H"}],
            "offers": [{"@type": "Offer", "category": "Audit", "price": 0, "priceCurrency": "USD"}],
            "dateModified": f"2025-0{1 + i % 9}-1{i % 10}T08:00:00Z",
        }
        if slug in course_programs:
            kind, pslug = course_programs[slug]
            course["isPartOf"] = {"@type": "EducationalOccupationalProgram", "url": f"{CO}/{kind}/{pslug}"}
        crumbs = {"@type": "BreadcrumbList", "itemListElement": [
            {"@type": "ListItem", "position": 1, "name": "Browse", "item": f"{CO}/browse"},
            {"@type": "ListItem", "position": 2, "name": name, "item": url}]}
        org = {"@type": "Organization", "name": "Coursera", "url": CO, "logo": f"{CO}/logo.png"}
        if i % 3 == 0:     # one block with an @graph (the common Coursera shape)
            blocks = [ld({"@context": "https://schema.org", "@graph": [crumbs, course]})]
        elif i % 3 == 1:   # a top-level list
            blocks = [ld([{"@context": "https://schema.org", **org}, {"@context": "https://schema.org", **course}])]
        else:              # several blocks
            blocks = [ld({"@context": "https://schema.org", **org}), ld({"@context": "https://schema.org", **crumbs}),
                      ld({"@context": "https://schema.org", **course})]
        write(root / "learn" / slug / "index.html", page(html_escape_name(name), blocks))
    for kind, slug, name, label, partner, courses, months, price in CO_PROGRAMS:
        url = f"{CO}/{kind}/{slug}"
        names = {c[0]: c[1] for c in CO_COURSES}
        program = {
            "@context": "https://schema.org", "@type": "EducationalOccupationalProgram", "name": name, "url": url,
            "programType": label,
            "description": f"A {len(courses)}-course {label} from {CO_PARTNERS[partner][0]}. (Offline snapshot text.)",
            "provider": {"@type": "Organization", "name": CO_PARTNERS[partner][0]},
            "inLanguage": "en", "educationalLevel": "Beginner" if slug != "deep-learning" else "Intermediate",
            "timeToComplete": f"P{months}M",
            "hasCourse": [{"@type": "Course", "name": names[c], "url": f"{CO}/learn/{c}"} for c in courses],
            "educationalCredentialAwarded": {"@type": "EducationalOccupationalCredential",
                                             "credentialCategory": "Certificate", "name": f"{label} certificate"},
            "offers": {"@type": "Offer", "category": "Subscription", "price": price, "priceCurrency": "USD",
                       "priceSpecification": {"@type": "UnitPriceSpecification", "price": price,
                                              "priceCurrency": "USD", "billingDuration": "P1M"}},
            "dateModified": "2025-03-01T08:00:00Z",
        }
        write(root / kind / slug / "index.html", page(name, [ld(program)]))
    # courses.v1 API: elements + paging (next = start cursor) + linked partners, 10 per page
    api = root / "api"
    fields = "description,workload,primaryLanguages,subtitleLanguages,partnerIds,certificates,domainTypes,startDate"
    for start in range(0, len(CO_COURSES), 10):
        chunk = CO_COURSES[start:start + 10]
        elements = []
        for j, (slug, name, partner, _level, hours, skills) in enumerate(chunk):
            elements.append({
                "courseType": "v2.ondemand", "id": f"cId{start + j:03d}x{slug[:6]}", "slug": slug, "name": name,
                "description": f"An online course in {skills[0].lower()} from {CO_PARTNERS[partner][0]}. (Offline snapshot text.)",
                "workload": f"{max(1, hours // 4)}-{max(2, hours // 2)} hours/week" if j % 2 else f"{hours} hours",
                "primaryLanguages": ["en"], "subtitleLanguages": ["es", "zh-CN"], "partnerIds": [partner],
                "certificates": ["VerifiedCert"] if slug != "learning-how-to-learn" else [],
                "domainTypes": [{"domainId": "computer-science", "subdomainId": skills[0].lower().replace(" ", "-")}],
                "startDate": 1447095621493,
            })
        nxt = start + 10
        body = {"elements": elements,
                "paging": ({"next": str(nxt), "total": len(CO_COURSES)} if nxt < len(CO_COURSES) else {"total": len(CO_COURSES)}),
                "linked": {"partners.v1": [{"id": p, "name": CO_PARTNERS[p][0], "shortName": CO_PARTNERS[p][1]}
                                           for p in sorted({c[2] for c in chunk})]}}
        query = f"start={start}&limit=100&includes=partnerIds&fields={fields}"
        write(api / f"courses.v1?{query}", json.dumps(body, indent=2, ensure_ascii=False) + "\n")


# =========================================================================================================
# edX
# =========================================================================================================
EX = "https://www.edx.org"
# subject, slug, title, org, code, level, effort, weeks, verified price
EX_COURSES = [
    ("probability", "mitx-probability-the-science-of-uncertainty-and-data", "Probability - The Science of Uncertainty and Data", "MITx", "6.431x", "Advanced", "10-14 hours per week", 16, 300),
    ("statistics", "mitx-fundamentals-of-statistics", "Fundamentals of Statistics", "MITx", "18.6501x", "Advanced", "10-14 hours per week", 16, 300),
    ("machine-learning", "mitx-machine-learning-with-python-from-linear-models-to-deep-learning", "Machine Learning with Python: from Linear Models to Deep Learning", "MITx", "6.86x", "Advanced", "10-14 hours per week", 15, 300),
    ("data-analysis", "mitx-data-analysis-statistical-modeling-and-computation-in-applications", "Data Analysis: Statistical Modeling and Computation in Applications", "MITx", "6.419x", "Advanced", "10-14 hours per week", 15, 300),
    ("computer-science", "harvardx-cs50-s-introduction-to-computer-science", "CS50's Introduction to Computer Science", "HarvardX", "CS50x", "Introductory", "6-18 hours per week", 12, 219),
    ("python", "harvardx-cs50-s-introduction-to-programming-with-python", "CS50's Introduction to Programming with Python", "HarvardX", "CS50P", "Introductory", "3-9 hours per week", 10, 219),
    ("artificial-intelligence", "harvardx-cs50-s-introduction-to-artificial-intelligence-with-python", "CS50's Introduction to Artificial Intelligence with Python", "HarvardX", "CS50AI", "Intermediate", "10-30 hours per week", 7, 219),
    ("mobile-development", "mitx-mobile-application-experiences-part-1-from-a-domain-to-an-app-idea", "Mobile Application Experiences Part 1: From a Domain to an App Idea", "MITx", "21W.789.1x", "Introductory", "5-8 hours per week", 5, 49),
    ("mobile-development", "mitx-mobile-application-experiences-part-2-mobile-app-design", "Mobile Application Experiences Part 2: Mobile App Design", "MITx", "21W.789.2x", "Introductory", "5-8 hours per week", 5, 49),
    ("mobile-development", "mitx-mobile-application-experiences-part-3-building-mobile-apps", "Mobile Application Experiences Part 3: Building Mobile Apps", "MITx", "21W.789.3x", "Intermediate", "10-12 hours per week", 4, 49),
    ("mobile-development", "mitx-mobile-application-experiences-part-4-understanding-use", "Mobile Application Experiences Part 4: Understanding Use", "MITx", "21W.789.4x", "Intermediate", "10-12 hours per week", 4, 49),
    ("mobile-development", "mitx-mobile-application-experiences-part-5-reporting-research-findings", "Mobile Application Experiences Part 5: Reporting Research Findings", "MITx", "21W.789.5x", "Intermediate", "5-8 hours per week", 4, 49),
    ("data-science", "harvardx-data-science-r-basics", "Data Science: R Basics", "HarvardX", "PH125.1x", "Introductory", "1-2 hours per week", 8, 109),
    ("data-science", "harvardx-data-science-visualization", "Data Science: Visualization", "HarvardX", "PH125.2x", "Introductory", "1-2 hours per week", 8, 109),
    ("data-science", "harvardx-data-science-probability", "Data Science: Probability", "HarvardX", "PH125.3x", "Introductory", "1-2 hours per week", 8, 109),
    ("english", "delftx-english-for-academic-purposes", "English Grammar & Style", "UQx", "WRITE101x", "Introductory", "2-4 hours per week", 8, 99),
    ("finance", "imfx-financial-programming-and-policies-part-1", "Financial Programming and Policies, Part 1: Macroeconomic Accounts & Analysis", "IMFx", "FPP.1x", "Intermediate", "6-8 hours per week", 10, 0),
    # the same course as Coursera's University of Michigan course: kept apart, linked same_as by the matcher
    ("python", "michiganx-programming-for-everybody-getting-started-with-python", "Programming for Everybody (Getting Started with Python)", "MichiganX", "PY4E101x", "Introductory", "2-4 hours per week", 7, 49),
    # a second page for CS50x under an older slug (edX re-slugs pages): a duplicate the matcher merges
    ("computer-science", "harvardx-cs50x-introduction-to-computer-science", "CS50's Introduction to Computer Science", "HarvardX", "CS50x", "Introductory", "6-18 hours per week", 12, 219),
]
EX_PROGRAMS = [
    ("masters/micromasters", "mitx-statistics-and-data-science", "Statistics and Data Science", "MicroMasters", "MITx", [0, 1, 2, 3], 1200),
    ("certificates/professional-certificate", "harvardx-computer-science-for-python-programming", "Computer Science for Python Programming", "Professional Certificate", "HarvardX", [4, 5, 6], 438),
    ("xseries", "mitx-mobile-application-experiences", "Mobile Application Experiences", "XSeries", "MITx", [7, 8, 9, 10, 11], 245),
    ("certificates/professional-certificate", "harvardx-data-science", "Data Science", "Professional Certificate", "HarvardX", [12, 13, 14], 327),
]


def edx() -> None:
    root = ROOT / "edx"
    write(root / "robots.txt",
          "# Offline stand-in for https://www.edx.org/robots.txt (hand-written, plausible, not a copy).\n"
          "User-agent: *\nDisallow: /search\nDisallow: /api/\nAllow: /api/v2/report/course-feed/\n"
          "Disallow: /*?*utm_\n\nSitemap: https://www.edx.org/sitemap.xml\n")
    write(root / "sitemap.xml", sitemapindex([(f"{EX}/sitemap-course.xml", f"2025-02-{9 + len(EX_COURSES)}"),
                                              (f"{EX}/sitemap-program.xml", "2025-02-01")]))
    part_of = {i: (kind, slug) for kind, slug, *_r, idx, _p in EX_PROGRAMS for i in idx}
    write(root / "sitemap-course.xml", urlset([(f"{EX}/learn/{c[0]}/{c[1]}", f"2025-02-{10 + i}") for i, c in enumerate(EX_COURSES)]
                                              + [(f"{EX}/learn/python", "2025-01-01")]))
    write(root / "sitemap-program.xml", urlset([(f"{EX}/{p[0]}/{p[1]}", "2025-02-01") for p in EX_PROGRAMS]))
    for i, (subject, slug, title, org, code, level, effort, weeks, price) in enumerate(EX_COURSES):
        url = f"{EX}/learn/{subject}/{slug}"
        offers = [{"@type": "Offer", "category": "Audit", "price": 0, "priceCurrency": "USD"}]
        if price:
            offers.append({"@type": "Offer", "category": "Verified certificate", "price": price, "priceCurrency": "USD"})
        course = {
            "@context": "http://schema.org", "@type": "Course", "name": title, "url": url, "courseCode": code,
            "description": f"{title} is offered by {org} on edX. (Offline snapshot text, not edX copy.)",
            "provider": {"@type": "Organization", "name": org, "sameAs": f"{EX}/school/{org.lower()}"},
            "inLanguage": "en-US", "educationalLevel": level, "availableLanguage": ["English"],
            "teaches": [subject.replace("-", " ").title()],
            "hasCourseInstance": {"@type": "CourseInstance", "courseMode": "online", "courseWorkload": effort,
                                  "courseSchedule": {"@type": "Schedule", "duration": f"P{weeks}W",
                                                     "repeatFrequency": "Weekly", "repeatCount": weeks}},
            "offers": offers, "dateModified": f"2025-02-{10 + i}T12:00:00+00:00",
        }
        if i in part_of:
            kind, pslug = part_of[i]
            course["isPartOf"] = {"@type": "EducationalOccupationalProgram", "url": f"{EX}/{kind}/{pslug}"}
        write(root / "learn" / subject / slug / "index.html", page(html_escape_name(title), [ld(course)]))
    # a subject landing page that the sitemap lists but that holds no Course: read and skipped
    write(root / "learn" / "python" / "index.html", page("Learn Python", [ld({
        "@context": "http://schema.org", "@type": "CollectionPage", "name": "Python courses", "url": f"{EX}/learn/python"})]))
    for kind, slug, title, label, org, idx, price in EX_PROGRAMS:
        url = f"{EX}/{kind}/{slug}"
        program = {
            "@context": "http://schema.org",
            "@graph": [{
                "@type": "EducationalOccupationalProgram", "name": title, "url": url, "programType": label,
                "description": f"A {label} programme of {len(idx)} courses from {org}. (Offline snapshot text.)",
                "provider": {"@type": "Organization", "name": org},
                "inLanguage": "en-US", "educationalLevel": EX_COURSES[idx[0]][5],
                "timeToComplete": f"P{sum(EX_COURSES[i][7] for i in idx)}W",
                "hasCourse": {"@type": "ItemList", "itemListElement": [
                    {"@type": "ListItem", "position": n + 1,
                     "item": {"@type": "Course", "name": EX_COURSES[i][2], "url": f"{EX}/learn/{EX_COURSES[i][0]}/{EX_COURSES[i][1]}"}}
                    for n, i in enumerate(idx)]},
                "offers": {"@type": "Offer", "category": "Program", "price": price, "priceCurrency": "USD"},
                "dateModified": "2025-02-01T12:00:00+00:00",
            }, {"@type": "Organization", "name": "edX", "url": EX}]}
        write(root / kind / slug / "index.html", page(title, [ld(program)]))
    # legacy RSS course feed, two pages (shape: provider_api_samples/edx__course_data.xml)
    feed = root / "api" / "v2" / "report" / "course-feed" / "rss"
    rss_courses = [c for c in EX_COURSES if c[3] == "MITx"]
    pages = [rss_courses[:4], rss_courses[4:]]
    for n, chunk in enumerate(pages):
        items = []
        for k, (subject, slug, title, org, code, _level, effort, weeks, price) in enumerate(chunk):
            old_slug = slug.replace("mitx-", "") + f"-mitx-{code.lower().replace('.', '-')}"
            items.append(f"""        <item>
            <guid>https://www.edx.org/node/{17700 + 10 * n + k}</guid>
            <title>{html_escape_name(title)}</title>
            <link>https://www.edx.org/course/{old_slug}</link>
            <description>{title}: an {org} course on edX. (Offline snapshot text.)</description>
            <pubDate>Tue, 12 Jan 2016 11:5{k}:58 -0500</pubDate>
            <course:id>course-v1:{org}+{code}+1T2016</course:id>
            <course:code>{code}</course:code>
            <course:created>Fri, 08 Jan 2016 10:42:58 -0500</course:created>
            <course:start>2016-04-25 00:00:00</course:start>
            <course:end>2016-05-23 00:00:00</course:end>
            <course:self_paced>0</course:self_paced>
            <course:subtitle>&lt;p&gt;{title}.&lt;/p&gt;</course:subtitle>
            <course:subject>{subject.replace('-', ' ').title()}</course:subject>
            <course:subject>Computer Science</course:subject>
            <course:school>{org}</course:school>
            <course:instructors>
                <course:staff>
                    <staff:name>Course Team</staff:name>
                    <staff:title></staff:title>
                </course:staff>
            </course:instructors>
            <course:verified>{1 if price else 0}</course:verified>
            <course:xseries>{1 if 'mobile' in slug else 0}</course:xseries>
            <course:highschool>0</course:highschool>
            <course:profed>0</course:profed>
            <course:effort>{effort.replace(' per week', '/week')}</course:effort>
            <course:length>{weeks} weeks</course:length>
            <course:prerequisites>None.</course:prerequisites>
        </item>""")
        nxt = (f'\n            <atom:link rel="next" href="https://www.edx.org/api/v2/report/course-feed/rss?page={n + 1}"/>'
               if n + 1 < len(pages) else "")
        body = f"""<?xml version="1.0" encoding="UTF-8" ?>
    <rss version="2.0"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:course="https://www.edx.org/api/course/elements/1.0/"
    xmlns:staff="https://www.edx.org/api/staff/elements/1.0/">
        <channel>
            <title>edX.org course feed</title>
            <link>https://www.edx.org/api/v2/report/course-feed/rss</link>
            <atom:link rel="first" href="https://www.edx.org/api/v2/report/course-feed/rss"/>
            <atom:link rel="last" href="https://www.edx.org/api/v2/report/course-feed/rss?page={len(pages) - 1}"/>{nxt}
            <atom:link href="https://www.edx.org/api/v2/report/course-feed/rss" rel="self" type="application/rss+xml" />
            <description>edX.org - course catalog feed</description>
            <language>en</language>
{chr(10).join(items)}
        </channel>
    </rss>
"""
        write(feed / ("index.xml" if n == 0 else f"index.xml?page={n}"), body)


# =========================================================================================================
# FutureLearn
# =========================================================================================================
FL = "https://www.futurelearn.com"
# slug, name, organisation, org url, hours/week, weeks, certificates, categories, language
FL_COURSES = [
    ("begin-programming", "Begin Programming: Build Your First Mobile Game", "University of Reading", "http://www.reading.ac.uk", 4, 7, True, ["Online & Digital"], "en"),
    ("learn-to-code", "Learn to Code for Data Analysis", "The Open University", "http://www.open.ac.uk", 5, 4, True, ["Online & Digital"], "en"),
    ("introduction-to-cyber-security", "Introduction to Cyber Security", "The Open University", "http://www.open.ac.uk", 3, 8, True, ["Online & Digital"], "en"),
    ("data-science-fundamentals", "Data Science Fundamentals", "Coventry University", "https://www.coventry.ac.uk", 4, 2, True, ["IT & Computer Science"], "en"),
    ("python-data-analysis", "Data Analysis with Python", "Coventry University", "https://www.coventry.ac.uk", 4, 2, True, ["IT & Computer Science"], "en"),
    ("machine-learning-python", "Machine Learning with Python", "Coventry University", "https://www.coventry.ac.uk", 4, 2, True, ["IT & Computer Science"], "en"),
    ("digital-marketing-foundations", "Digital Marketing Foundations", "Coventry University", "https://www.coventry.ac.uk", 3, 2, True, ["Business & Management"], "en"),
    ("social-media-strategy", "Social Media Strategy", "Coventry University", "https://www.coventry.ac.uk", 3, 2, True, ["Business & Management"], "en"),
    ("seo-and-content-marketing", "SEO & Content Marketing", "Coventry University", "https://www.coventry.ac.uk", 3, 2, True, ["Business & Management"], "en"),
    ("managing-people", "Managing People: Engaging your Workforce", "The Open University", "http://www.open.ac.uk", 3, 3, True, ["Business & Management"], "en"),
    ("english-for-the-workplace", "English for the Workplace", "British Council", "https://www.britishcouncil.org", 3, 6, False, ["Teaching", "Language"], "en"),
    ("understanding-ielts", "Understanding IELTS: Techniques for English Language Tests", "British Council", "https://www.britishcouncil.org", 3, 6, True, ["Language"], "en"),
    ("anatomy-of-the-abdomen", "Anatomy of the Abdomen and Pelvis", "University of Leeds", "https://www.leeds.ac.uk", 4, 3, True, ["Healthcare & Medicine"], "en"),
    ("sustainable-business", "Sustainable Business: Environmental &amp; Social Impact", "University of Leeds", "https://www.leeds.ac.uk", 3, 2, True, ["Business & Management", "Nature & Environment"], "en"),
    ("project-management-principles", "Project Management Principles", "Coventry University", "https://www.coventry.ac.uk", 4, 3, True, ["Business & Management"], "en"),
    ("agile-project-management", "Agile Project Management", "Coventry University", "https://www.coventry.ac.uk", 4, 3, True, ["Business & Management"], "en"),
    ("risk-management-for-projects", "Risk Management for Projects", "Coventry University", "https://www.coventry.ac.uk", 4, 3, True, ["Business & Management"], "en"),
    ("spanish-for-beginners", "Spanish for Beginners 1: Meeting People", "The Open University", "http://www.open.ac.uk", 3, 6, True, ["Language"], "es"),
    ("deutsch-im-beruf", "Deutsch im Beruf", "Goethe-Institut", "https://www.goethe.de", 2, 4, False, ["Language"], "de"),
]
FL_PROGRAMS = [
    ("experttracks", "data-science-with-python", "Data Science with Python", "ExpertTrack", "Coventry University",
     ["data-science-fundamentals", "python-data-analysis", "machine-learning-python"], 39),
    ("experttracks", "digital-marketing", "Digital Marketing", "ExpertTrack", "Coventry University",
     ["digital-marketing-foundations", "social-media-strategy", "seo-and-content-marketing"], 39),
    ("microcredentials", "project-management", "Project Management", "Microcredential", "Coventry University",
     ["project-management-principles", "agile-project-management", "risk-management-for-projects"], 655),
]


def futurelearn() -> None:
    root = ROOT / "futurelearn"
    write(root / "robots.txt",
          "# Offline stand-in for https://www.futurelearn.com/robots.txt (hand-written, plausible, not a copy).\n"
          "User-agent: *\nDisallow: /your-learning\nDisallow: /profiles/\nDisallow: /sign-in\nAllow: /feeds/\n\n"
          "Sitemap: https://www.futurelearn.com/sitemap.xml\n")
    write(root / "sitemap.xml", urlset([(f"{FL}/{p[0]}/{p[1]}", "2025-04-01") for p in FL_PROGRAMS]
                                       + [(f"{FL}/subjects/it-and-computer-science-courses", "2025-04-01")]))
    feed = []
    for i, (slug, name, org, org_url, hpw, weeks, certs, cats, lang) in enumerate(FL_COURSES):
        runs = [{"uuid": f"0000{i:04d}-run1-4000-8000-00000000000{k}", "start_date": f"202{3 + k}-0{1 + i % 9}-1{k}",
                 "duration_in_weeks": weeks} for k in range(1 + i % 3)]
        feed.append({
            "uuid": f"{i:08x}-3aa4-469b-abe8-3de3bfa4{i:04d}",
            "url": f"http://www.futurelearn.com/courses/{slug}?utm_campaign=Courses+feed&utm_medium=courses-feed&utm_source=courses-feed",
            "image_url": f"https://ugc.futurelearn.com/uploads/images/{i:02x}/regular_{slug}.jpg",
            "name": name,
            "introduction": f"Explore {name.split(':')[0].lower()} with {org} in this online course. ",
            "description": f"<p>{name} is a {weeks}-week online course from {org}. (Offline snapshot text, not FutureLearn copy.)</p>\n",
            "language": lang, "hours_per_week": hpw, "has_certificates": certs, "categories": cats,
            "educator": "Course Educator (Lead Educator)",
            "organisation": {"url": org_url, "name": org},
            "trailer": f"//view.vzaar.com/{4251365 + i}/video",
            "runs": runs,
        })
    write(root / "feeds" / "courses" / "index.json", json.dumps(feed, indent=2, ensure_ascii=False) + "\n")
    names = {c[0]: c[1] for c in FL_COURSES}
    for kind, slug, title, label, org, courses, price in FL_PROGRAMS:
        url = f"{FL}/{kind}/{slug}"
        program = {
            "@context": "https://schema.org", "@type": "EducationalOccupationalProgram", "name": title, "url": url,
            "programType": label,
            "description": f"A {label} of {len(courses)} courses from {org}. (Offline snapshot text.)",
            "provider": {"@type": "CollegeOrUniversity", "name": org},
            "inLanguage": "en", "educationalLevel": "Introductory",
            "timeToComplete": f"P{3 * len(courses)}W" if label == "ExpertTrack" else "P12W",
            "hasCourse": [{"@type": "Course", "name": names[c], "url": f"{FL}/courses/{c}"} for c in courses],
            "offers": ({"@type": "Offer", "category": "Subscription", "price": price, "priceCurrency": "GBP",
                        "priceSpecification": {"@type": "UnitPriceSpecification", "price": price, "priceCurrency": "GBP",
                                               "billingDuration": "P1M"}}
                       if label == "ExpertTrack" else
                       {"@type": "Offer", "category": "Program fee", "price": price, "priceCurrency": "GBP"}),
            "dateModified": "2025-04-01T09:00:00Z",
        }
        if label == "Microcredential":
            program["educationalCredentialAwarded"] = {"@type": "EducationalOccupationalCredential",
                                                       "credentialCategory": "Microcredential", "name": "Academic credit"}
            program["numberOfCredits"] = 15
        write(root / kind / slug / "index.html", page(title, [ld(program)]))
    write(root / "subjects" / "it-and-computer-science-courses" / "index.html", page("IT & Computer Science", []))


# =========================================================================================================
# example-university (generic jsonld provider; an invented site)
# =========================================================================================================
EU = "https://shortcourses.example.edu"
EU_COURSES = [
    ("intro-to-gis", "Introduction to GIS", "Beginner", "PT20H", 250, ["Geographic Information Systems", "QGIS"], "Geography &amp; Environment"),
    ("spatial-data-analysis", "Spatial Data Analysis", "Intermediate", "PT24H", 300, ["Spatial Statistics", "Python"], None),
    ("remote-sensing", "Remote Sensing for Environmental Monitoring", "Intermediate", "PT30H", 350, ["Remote Sensing", "Satellite Imagery"], None),
    ("python-for-researchers", "Python for Researchers", "Beginner", "PT18H", 200, ["Python", "Jupyter"], None),
    ("research-data-management", "Research Data Management", "Beginner", "PT6H", 0, ["Data Management Plans", "FAIR Data"], None),
    ("statistics-with-r", "Statistics with R", "Intermediate", "PT24H", 280, ["R", "Regression"], None),
    ("teaching-online", "Teaching Online: Design &amp; Delivery", "Beginner", "PT12H", 150, ["Online Teaching", "Learning Design"], None),
    ("assessment-for-learning", "Assessment for Learning", "Intermediate", "PT12H", 150, ["Assessment Design", "Feedback"], None),
    ("inclusive-teaching", "Inclusive Teaching Practice", "Beginner", "PT10H", 150, ["Universal Design for Learning"], None),
    ("leadership-essentials", "Leadership Essentials", "Beginner", "PT15H", 400, ["Leadership", "Team Management"], None),
    ("change-management", "Leading Change", "Advanced", "PT15H", 400, ["Change Management"], None),
    ("negotiation-skills", "Negotiation Skills", "Intermediate", "PT8H", 220, ["Negotiation", "Communication"], None),
    ("first-aid-at-work", "First Aid at Work", "Beginner", "PT18H", 180, ["First Aid"], None),
    ("mental-health-awareness", "Mental Health Awareness", "Beginner", "PT6H", 0, ["Mental Health"], None),
    ("french-a1", "Français A1 pour débutants", "Beginner", "PT40H", 320, ["French Language"], None),
]
EU_CREDENTIALS = [
    ("gis-professional", "Micro-credential in Applied GIS", ["intro-to-gis", "spatial-data-analysis", "remote-sensing"], 5),
    ("digital-teaching", "Micro-credential in Digital Teaching", ["teaching-online", "assessment-for-learning", "inclusive-teaching"], 5),
    ("leadership", "Micro-credential in Leadership and Change", ["leadership-essentials", "change-management", "negotiation-skills"], 5),
]


def example_university() -> None:
    root = ROOT / "example-university"
    write(root / "robots.txt",
          "# robots.txt of the invented example site shortcourses.example.edu (example provider).\n"
          "User-agent: *\nDisallow: /admin/\nDisallow: /basket\n\nSitemap: https://shortcourses.example.edu/sitemap.xml\n")
    write(root / "sitemap.xml", urlset([(f"{EU}/courses/{c[0]}", f"2025-05-{1 + i:02d}") for i, c in enumerate(EU_COURSES)]
                                       + [(f"{EU}/credentials/{c[0]}", "2025-05-01") for c in EU_CREDENTIALS]
                                       + [(f"{EU}/about", "2025-01-01"), (f"{EU}/news/2025-open-day", "2025-01-01")]))
    awarded = {c: slug for slug, _n, courses, _e in EU_CREDENTIALS for c in courses}
    for i, (slug, name, level, dur, price, skills, dept) in enumerate(EU_COURSES):
        url = f"{EU}/courses/{slug}"
        course = {
            "@type": "Course", "name": name, "url": url, "courseCode": f"EXU-{100 + i}",
            "description": f"A short course of the (invented) Example University: {name.replace('&amp;', '&')}. "
                           "Participants complete a practical assignment.",
            "provider": {"@type": "CollegeOrUniversity", "name": "Example University" + (f" &ndash; {dept}" if dept else "")},
            "educationalLevel": level, "inLanguage": "fr" if slug == "french-a1" else "en-GB", "timeRequired": dur,
            "teaches": skills, "numberOfCredits": 1,
            "hasCourseInstance": {"@type": "CourseInstance", "courseMode": "blended" if i % 2 else "online"},
            "offers": {"@type": "Offer", "price": f"{price}.00", "priceCurrency": "EUR",
                       **({"category": "Free"} if price == 0 else {})},
            "dateModified": f"2025-05-{1 + i:02d}",
        }
        if slug in awarded:
            course["educationalCredentialAwarded"] = {"@type": "EducationalOccupationalCredential",
                                                      "url": f"{EU}/credentials/{awarded[slug]}"}
        site = {"@type": "WebSite", "name": "Example University Short Courses", "url": EU}
        if i % 2:
            blocks = [ld({"@context": "https://schema.org", "@graph": [site, course]})]
        else:
            blocks = [ld({"@context": "https://schema.org", **course}), ld({"@context": "https://schema.org", **site})]
        write(root / "courses" / slug / "index.html", page(name, blocks, f"<p>{name}</p>"))
    for slug, name, courses, ects in EU_CREDENTIALS:
        url = f"{EU}/credentials/{slug}"
        cred = {
            "@context": "https://schema.org", "@type": "EducationalOccupationalCredential", "name": name, "url": url,
            "credentialCategory": "Micro-credential",
            "description": f"{name}: awarded for completing the three short courses it bundles ({ects} ECTS).",
            "recognizedBy": {"@type": "CollegeOrUniversity", "name": "Example University"},
            "educationalLevel": "Intermediate", "inLanguage": "en-GB",
            "hasPart": [{"@type": "Course", "url": f"{EU}/courses/{c}"} for c in courses],
            "timeRequired": f"PT{ects * 25}H",
            "offers": {"@type": "Offer", "price": "950.00", "priceCurrency": "EUR", "category": "Program fee"},
            "dateModified": "2025-05-01",
        }
        write(root / "credentials" / slug / "index.html", page(name, [ld(cred)]))
    write(root / "about" / "index.html", page("About", [ld({"@context": "https://schema.org", "@type": "CollegeOrUniversity",
                                                            "name": "Example University", "url": EU})]))
    write(root / "news" / "2025-open-day" / "index.html", page("Open day", []))


if __name__ == "__main__":
    coursera()
    edx()
    futurelearn()
    example_university()
    print("snapshots written under", ROOT)
