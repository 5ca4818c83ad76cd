{
  "links": {
    "self": "https://imoox.at/mooc/local/moochubs/classes/webservice.php",
    "next": "https://imoox.at/mooc/local/moochubs/classes/webservice.php?page=2"
  },
  "data": [
    {
      "type": "courses",
      "id": "imoox-2025-101",
      "attributes": {
        "name": "Gratis Online Lernen",
        "courseCode": "imoox-2025-101",
        "url": "https://imoox.at/course/gol2025",
        "abstract": "Wie man Online-Kurse, Videos und freie Bildungsressourcen wirksam für das eigene Lernen nutzt.",
        "description": "Wie man Online-Kurse, Videos und freie Bildungsressourcen wirksam für das eigene Lernen nutzt. The course ends with a graded final exam; learners who pass receive a record of achievement.",
        "languages": [
          "de"
        ],
        "startDate": "2025-03-03T09:00:00+01:00",
        "duration": "P6W",
        "workload": {
          "timeValue": 2,
          "timeUnit": "h/week"
        },
        "partnerInstitute": [
          {
            "name": "Technische Universität Graz",
            "url": "https://www.tugraz.at"
          }
        ],
        "moocProvider": {
          "name": "iMooX",
          "url": "https://imoox.at"
        },
        "courseMode": "MOOC",
        "access": [
          "free"
        ],
        "keywords": [
          "Lernen lernen"
        ]
      }
    },
    {
      "type": "courses",
      "id": "imoox-2025-102",
      "attributes": {
        "name": "Introduction to Open Educational Resources",
        "courseCode": "imoox-2025-102",
        "url": "https://imoox.at/course/oer2025",
        "abstract": "Licences, repositories and remixing: how to find, adapt and share OER.",
        "description": "Licences, repositories and remixing: how to find, adapt and share OER. The course ends with a graded final exam; learners who pass receive a record of achievement.",
        "languages": [
          "en"
        ],
        "startDate": "2025-03-03T09:00:00+01:00",
        "duration": "P4W",
        "workload": {
          "timeValue": 2,
          "timeUnit": "h/week"
        },
        "partnerInstitute": [
          {
            "name": "Universität Graz",
            "url": "https://www.uni-graz.at"
          }
        ],
        "moocProvider": {
          "name": "iMooX",
          "url": "https://imoox.at"
        },
        "courseMode": "MOOC",
        "access": [
          "free"
        ],
        "keywords": [
          "OER",
          "Creative Commons"
        ]
      }
    },
    {
      "type": "courses",
      "id": "imoox-2025-103",
      "attributes": {
        "name": "Learning Analytics",
        "courseCode": "imoox-2025-103",
        "url": "https://imoox.at/course/la2025",
        "abstract": "Using learner data responsibly to improve teaching.",
        "description": "Using learner data responsibly to improve teaching. The course ends with a graded final exam; learners who pass receive a record of achievement.",
        "languages": [
          "en"
        ],
        "startDate": "2025-03-03T09:00:00+01:00",
        "duration": "P5W",
        "workload": {
          "timeValue": 3,
          "timeUnit": "h/week"
        },
        "partnerInstitute": [
          {
            "name": "Technische Universität Graz",
            "url": "https://www.tugraz.at"
          }
        ],
        "moocProvider": {
          "name": "iMooX",
          "url": "https://imoox.at"
        },
        "courseMode": "MOOC",
        "access": [
          "free"
        ],
        "keywords": [
          "learning analytics",
          "data protection"
        ],
        "educationalLevel": "intermediate"
      }
    }
  ]
}
