/**
 * The first release's MongoDB collection definitions, FROZEN. The ten scripts
 * mongo-migrations/20260210000001..10 apply exactly these (applyCollection in apply.ts), so a
 * database migrated by the first release keeps meaning what it meant whatever the current
 * definitions (collections.ts) become.
 *
 * Never edit this file: a change of shape is a new definition (release2.ts, ...) applied by a new
 * migration script. tests/unit/mongo-snapshots.test.ts pins the commands each first-release script
 * sends, so an edit here (or in what apply.ts sends) fails CI. The definitions are written out as
 * data, not built from shared helpers or the manifest, so nothing outside this file can change them.
 */
import { deepFreeze, type CollectionDef } from './schema';

export const RELEASE_1: readonly CollectionDef[] = deepFreeze([
  {
    "name": "learning_progress",
    "purpose": "Granular activity tracking",
    "validationLevel": "strict",
    "validationAction": "error",
    "validationWhy": "progress drives certificates and completion; a malformed event must fail at the writer",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "userId",
          "courseId",
          "lessonId",
          "activityType",
          "occurredAt"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "userId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "courseId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "lessonId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "enrollmentId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "sessionId": {
            "bsonType": "string",
            "minLength": 1,
            "maxLength": 128
          },
          "activityType": {
            "enum": [
              "lesson_start",
              "lesson_complete",
              "video_play",
              "video_pause",
              "video_seek",
              "video_complete",
              "page_view",
              "scroll",
              "quiz_start",
              "quiz_submit",
              "flashcard_review",
              "download"
            ]
          },
          "contentType": {
            "enum": [
              "video",
              "text",
              "pdf",
              "audio",
              "image",
              "quiz",
              "flashcard",
              "scorm_package",
              "external_link"
            ]
          },
          "positionSeconds": {
            "bsonType": "number",
            "minimum": 0
          },
          "durationSeconds": {
            "bsonType": "number",
            "minimum": 0
          },
          "progressPercent": {
            "bsonType": "number",
            "minimum": 0,
            "maximum": 100
          },
          "occurredAt": {
            "bsonType": "date"
          },
          "device": {
            "bsonType": "object",
            "required": [],
            "properties": {
              "type": {
                "enum": [
                  "desktop",
                  "mobile",
                  "tablet",
                  "other"
                ]
              },
              "os": {
                "bsonType": "string",
                "minLength": 1,
                "maxLength": 100
              },
              "browser": {
                "bsonType": "string",
                "minLength": 1,
                "maxLength": 100
              }
            },
            "additionalProperties": false
          },
          "metadata": {
            "bsonType": "object"
          }
        },
        "additionalProperties": false
      }
    },
    "indexes": [
      {
        "name": "user_time",
        "key": {
          "userId": 1,
          "occurredAt": -1
        }
      },
      {
        "name": "course_lesson_time",
        "key": {
          "courseId": 1,
          "lessonId": 1,
          "occurredAt": -1
        }
      },
      {
        "name": "user_course_lesson",
        "key": {
          "userId": 1,
          "courseId": 1,
          "lessonId": 1
        }
      },
      {
        "name": "time",
        "key": {
          "occurredAt": -1
        }
      }
    ]
  },
  {
    "name": "xapi_statements",
    "purpose": "xAPI/LRS statements",
    "validationLevel": "strict",
    "validationAction": "error",
    "validationWhy": "an LRS must reject statements that break xAPI 1.0.3 rather than store them",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "id",
          "actor",
          "verb",
          "object",
          "timestamp",
          "stored",
          "userId"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "id": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "actor": {
            "bsonType": "object",
            "required": [
              "objectType"
            ],
            "properties": {
              "objectType": {
                "enum": [
                  "Agent",
                  "Group"
                ]
              },
              "name": {
                "bsonType": "string",
                "minLength": 1,
                "maxLength": 255
              },
              "mbox": {
                "bsonType": "string",
                "pattern": "^mailto:[^@\\s]+@[^@\\s]+$"
              },
              "mbox_sha1sum": {
                "bsonType": "string",
                "pattern": "^[0-9a-f]{40}$"
              },
              "openid": {
                "bsonType": "string",
                "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
              },
              "account": {
                "bsonType": "object",
                "required": [
                  "homePage",
                  "name"
                ],
                "properties": {
                  "homePage": {
                    "bsonType": "string",
                    "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                  },
                  "name": {
                    "bsonType": "string",
                    "minLength": 1,
                    "maxLength": 255
                  }
                },
                "additionalProperties": false
              },
              "member": {
                "bsonType": "array"
              }
            },
            "additionalProperties": false
          },
          "verb": {
            "bsonType": "object",
            "required": [
              "id",
              "display"
            ],
            "properties": {
              "id": {
                "bsonType": "string",
                "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
              },
              "display": {
                "bsonType": "object",
                "minProperties": 1,
                "additionalProperties": {
                  "bsonType": "string"
                }
              }
            },
            "additionalProperties": false
          },
          "object": {
            "bsonType": "object",
            "required": [
              "objectType",
              "id"
            ],
            "properties": {
              "objectType": {
                "enum": [
                  "Activity"
                ]
              },
              "id": {
                "bsonType": "string",
                "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
              },
              "definition": {
                "bsonType": "object",
                "required": [],
                "properties": {
                  "name": {
                    "bsonType": "object",
                    "minProperties": 1,
                    "additionalProperties": {
                      "bsonType": "string"
                    }
                  },
                  "description": {
                    "bsonType": "object",
                    "minProperties": 1,
                    "additionalProperties": {
                      "bsonType": "string"
                    }
                  },
                  "type": {
                    "bsonType": "string",
                    "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                  },
                  "moreInfo": {
                    "bsonType": "string",
                    "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                  },
                  "interactionType": {
                    "enum": [
                      "true-false",
                      "choice",
                      "fill-in",
                      "long-fill-in",
                      "matching",
                      "performance",
                      "sequencing",
                      "likert",
                      "numeric",
                      "other"
                    ]
                  },
                  "correctResponsesPattern": {
                    "bsonType": "array",
                    "items": {
                      "bsonType": "string"
                    }
                  },
                  "extensions": {
                    "bsonType": "object"
                  }
                },
                "additionalProperties": false
              }
            },
            "additionalProperties": false
          },
          "result": {
            "bsonType": "object",
            "required": [],
            "properties": {
              "score": {
                "bsonType": "object",
                "required": [],
                "properties": {
                  "scaled": {
                    "bsonType": "number",
                    "minimum": -1,
                    "maximum": 1
                  },
                  "raw": {
                    "bsonType": "number"
                  },
                  "min": {
                    "bsonType": "number"
                  },
                  "max": {
                    "bsonType": "number"
                  }
                },
                "additionalProperties": false
              },
              "success": {
                "bsonType": "bool"
              },
              "completion": {
                "bsonType": "bool"
              },
              "response": {
                "bsonType": "string"
              },
              "duration": {
                "bsonType": "string",
                "pattern": "^P(?!$)(\\d+(?:\\.\\d+)?Y)?(\\d+(?:\\.\\d+)?M)?(\\d+(?:\\.\\d+)?W)?(\\d+(?:\\.\\d+)?D)?(T(?=\\d)(\\d+(?:\\.\\d+)?H)?(\\d+(?:\\.\\d+)?M)?(\\d+(?:\\.\\d+)?S)?)?$"
              },
              "extensions": {
                "bsonType": "object"
              }
            },
            "additionalProperties": false
          },
          "context": {
            "bsonType": "object",
            "required": [],
            "properties": {
              "registration": {
                "bsonType": "string",
                "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
              },
              "instructor": {
                "bsonType": "object",
                "required": [
                  "objectType"
                ],
                "properties": {
                  "objectType": {
                    "enum": [
                      "Agent",
                      "Group"
                    ]
                  },
                  "name": {
                    "bsonType": "string",
                    "minLength": 1,
                    "maxLength": 255
                  },
                  "mbox": {
                    "bsonType": "string",
                    "pattern": "^mailto:[^@\\s]+@[^@\\s]+$"
                  },
                  "mbox_sha1sum": {
                    "bsonType": "string",
                    "pattern": "^[0-9a-f]{40}$"
                  },
                  "openid": {
                    "bsonType": "string",
                    "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                  },
                  "account": {
                    "bsonType": "object",
                    "required": [
                      "homePage",
                      "name"
                    ],
                    "properties": {
                      "homePage": {
                        "bsonType": "string",
                        "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                      },
                      "name": {
                        "bsonType": "string",
                        "minLength": 1,
                        "maxLength": 255
                      }
                    },
                    "additionalProperties": false
                  },
                  "member": {
                    "bsonType": "array"
                  }
                },
                "additionalProperties": false
              },
              "team": {
                "bsonType": "object",
                "required": [
                  "objectType"
                ],
                "properties": {
                  "objectType": {
                    "enum": [
                      "Agent",
                      "Group"
                    ]
                  },
                  "name": {
                    "bsonType": "string",
                    "minLength": 1,
                    "maxLength": 255
                  },
                  "mbox": {
                    "bsonType": "string",
                    "pattern": "^mailto:[^@\\s]+@[^@\\s]+$"
                  },
                  "mbox_sha1sum": {
                    "bsonType": "string",
                    "pattern": "^[0-9a-f]{40}$"
                  },
                  "openid": {
                    "bsonType": "string",
                    "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                  },
                  "account": {
                    "bsonType": "object",
                    "required": [
                      "homePage",
                      "name"
                    ],
                    "properties": {
                      "homePage": {
                        "bsonType": "string",
                        "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                      },
                      "name": {
                        "bsonType": "string",
                        "minLength": 1,
                        "maxLength": 255
                      }
                    },
                    "additionalProperties": false
                  },
                  "member": {
                    "bsonType": "array"
                  }
                },
                "additionalProperties": false
              },
              "contextActivities": {
                "bsonType": "object",
                "required": [],
                "properties": {
                  "parent": {
                    "bsonType": "array",
                    "items": {
                      "bsonType": "object",
                      "required": [
                        "objectType",
                        "id"
                      ],
                      "properties": {
                        "objectType": {
                          "enum": [
                            "Activity"
                          ]
                        },
                        "id": {
                          "bsonType": "string",
                          "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                        },
                        "definition": {
                          "bsonType": "object",
                          "required": [],
                          "properties": {
                            "name": {
                              "bsonType": "object",
                              "minProperties": 1,
                              "additionalProperties": {
                                "bsonType": "string"
                              }
                            },
                            "description": {
                              "bsonType": "object",
                              "minProperties": 1,
                              "additionalProperties": {
                                "bsonType": "string"
                              }
                            },
                            "type": {
                              "bsonType": "string",
                              "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                            },
                            "moreInfo": {
                              "bsonType": "string",
                              "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                            },
                            "interactionType": {
                              "enum": [
                                "true-false",
                                "choice",
                                "fill-in",
                                "long-fill-in",
                                "matching",
                                "performance",
                                "sequencing",
                                "likert",
                                "numeric",
                                "other"
                              ]
                            },
                            "correctResponsesPattern": {
                              "bsonType": "array",
                              "items": {
                                "bsonType": "string"
                              }
                            },
                            "extensions": {
                              "bsonType": "object"
                            }
                          },
                          "additionalProperties": false
                        }
                      },
                      "additionalProperties": false
                    }
                  },
                  "grouping": {
                    "bsonType": "array",
                    "items": {
                      "bsonType": "object",
                      "required": [
                        "objectType",
                        "id"
                      ],
                      "properties": {
                        "objectType": {
                          "enum": [
                            "Activity"
                          ]
                        },
                        "id": {
                          "bsonType": "string",
                          "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                        },
                        "definition": {
                          "bsonType": "object",
                          "required": [],
                          "properties": {
                            "name": {
                              "bsonType": "object",
                              "minProperties": 1,
                              "additionalProperties": {
                                "bsonType": "string"
                              }
                            },
                            "description": {
                              "bsonType": "object",
                              "minProperties": 1,
                              "additionalProperties": {
                                "bsonType": "string"
                              }
                            },
                            "type": {
                              "bsonType": "string",
                              "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                            },
                            "moreInfo": {
                              "bsonType": "string",
                              "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                            },
                            "interactionType": {
                              "enum": [
                                "true-false",
                                "choice",
                                "fill-in",
                                "long-fill-in",
                                "matching",
                                "performance",
                                "sequencing",
                                "likert",
                                "numeric",
                                "other"
                              ]
                            },
                            "correctResponsesPattern": {
                              "bsonType": "array",
                              "items": {
                                "bsonType": "string"
                              }
                            },
                            "extensions": {
                              "bsonType": "object"
                            }
                          },
                          "additionalProperties": false
                        }
                      },
                      "additionalProperties": false
                    }
                  },
                  "category": {
                    "bsonType": "array",
                    "items": {
                      "bsonType": "object",
                      "required": [
                        "objectType",
                        "id"
                      ],
                      "properties": {
                        "objectType": {
                          "enum": [
                            "Activity"
                          ]
                        },
                        "id": {
                          "bsonType": "string",
                          "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                        },
                        "definition": {
                          "bsonType": "object",
                          "required": [],
                          "properties": {
                            "name": {
                              "bsonType": "object",
                              "minProperties": 1,
                              "additionalProperties": {
                                "bsonType": "string"
                              }
                            },
                            "description": {
                              "bsonType": "object",
                              "minProperties": 1,
                              "additionalProperties": {
                                "bsonType": "string"
                              }
                            },
                            "type": {
                              "bsonType": "string",
                              "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                            },
                            "moreInfo": {
                              "bsonType": "string",
                              "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                            },
                            "interactionType": {
                              "enum": [
                                "true-false",
                                "choice",
                                "fill-in",
                                "long-fill-in",
                                "matching",
                                "performance",
                                "sequencing",
                                "likert",
                                "numeric",
                                "other"
                              ]
                            },
                            "correctResponsesPattern": {
                              "bsonType": "array",
                              "items": {
                                "bsonType": "string"
                              }
                            },
                            "extensions": {
                              "bsonType": "object"
                            }
                          },
                          "additionalProperties": false
                        }
                      },
                      "additionalProperties": false
                    }
                  },
                  "other": {
                    "bsonType": "array",
                    "items": {
                      "bsonType": "object",
                      "required": [
                        "objectType",
                        "id"
                      ],
                      "properties": {
                        "objectType": {
                          "enum": [
                            "Activity"
                          ]
                        },
                        "id": {
                          "bsonType": "string",
                          "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                        },
                        "definition": {
                          "bsonType": "object",
                          "required": [],
                          "properties": {
                            "name": {
                              "bsonType": "object",
                              "minProperties": 1,
                              "additionalProperties": {
                                "bsonType": "string"
                              }
                            },
                            "description": {
                              "bsonType": "object",
                              "minProperties": 1,
                              "additionalProperties": {
                                "bsonType": "string"
                              }
                            },
                            "type": {
                              "bsonType": "string",
                              "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                            },
                            "moreInfo": {
                              "bsonType": "string",
                              "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                            },
                            "interactionType": {
                              "enum": [
                                "true-false",
                                "choice",
                                "fill-in",
                                "long-fill-in",
                                "matching",
                                "performance",
                                "sequencing",
                                "likert",
                                "numeric",
                                "other"
                              ]
                            },
                            "correctResponsesPattern": {
                              "bsonType": "array",
                              "items": {
                                "bsonType": "string"
                              }
                            },
                            "extensions": {
                              "bsonType": "object"
                            }
                          },
                          "additionalProperties": false
                        }
                      },
                      "additionalProperties": false
                    }
                  }
                },
                "additionalProperties": false
              },
              "revision": {
                "bsonType": "string"
              },
              "platform": {
                "bsonType": "string"
              },
              "language": {
                "bsonType": "string",
                "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
              },
              "statement": {
                "bsonType": "object",
                "required": [
                  "objectType",
                  "id"
                ],
                "properties": {
                  "objectType": {
                    "enum": [
                      "StatementRef"
                    ]
                  },
                  "id": {
                    "bsonType": "string",
                    "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
                  }
                },
                "additionalProperties": false
              },
              "extensions": {
                "bsonType": "object"
              }
            },
            "additionalProperties": false
          },
          "timestamp": {
            "bsonType": "date"
          },
          "stored": {
            "bsonType": "date"
          },
          "authority": {
            "bsonType": "object",
            "required": [
              "objectType"
            ],
            "properties": {
              "objectType": {
                "enum": [
                  "Agent",
                  "Group"
                ]
              },
              "name": {
                "bsonType": "string",
                "minLength": 1,
                "maxLength": 255
              },
              "mbox": {
                "bsonType": "string",
                "pattern": "^mailto:[^@\\s]+@[^@\\s]+$"
              },
              "mbox_sha1sum": {
                "bsonType": "string",
                "pattern": "^[0-9a-f]{40}$"
              },
              "openid": {
                "bsonType": "string",
                "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
              },
              "account": {
                "bsonType": "object",
                "required": [
                  "homePage",
                  "name"
                ],
                "properties": {
                  "homePage": {
                    "bsonType": "string",
                    "pattern": "^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$"
                  },
                  "name": {
                    "bsonType": "string",
                    "minLength": 1,
                    "maxLength": 255
                  }
                },
                "additionalProperties": false
              },
              "member": {
                "bsonType": "array"
              }
            },
            "additionalProperties": false
          },
          "version": {
            "bsonType": "string",
            "pattern": "^1\\.0(\\.\\d+)?$"
          },
          "voided": {
            "bsonType": "bool"
          },
          "userId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "courseId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "lessonId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          }
        },
        "additionalProperties": false
      }
    },
    "indexes": [
      {
        "name": "statement_id",
        "key": {
          "id": 1
        },
        "unique": true
      },
      {
        "name": "user_time",
        "key": {
          "userId": 1,
          "timestamp": -1
        }
      },
      {
        "name": "course_lesson_time",
        "key": {
          "courseId": 1,
          "lessonId": 1,
          "timestamp": -1
        }
      },
      {
        "name": "verb_time",
        "key": {
          "verb.id": 1,
          "timestamp": -1
        }
      },
      {
        "name": "activity",
        "key": {
          "object.id": 1
        }
      },
      {
        "name": "stored",
        "key": {
          "stored": -1
        }
      }
    ]
  },
  {
    "name": "flashcard_progress",
    "purpose": "Spaced repetition data",
    "validationLevel": "strict",
    "validationAction": "error",
    "validationWhy": "scheduling state that fails validation would corrupt a learner's review queue",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "userId",
          "flashcardId",
          "deckId",
          "algorithm",
          "state",
          "dueAt",
          "reps",
          "lapses",
          "createdAt",
          "updatedAt"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "userId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "flashcardId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "deckId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "courseId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "algorithm": {
            "enum": [
              "sm2",
              "fsrs"
            ]
          },
          "state": {
            "enum": [
              "new",
              "learning",
              "review",
              "relearning",
              "suspended"
            ]
          },
          "sm2": {
            "bsonType": "object",
            "required": [
              "easeFactor",
              "intervalDays",
              "repetitions"
            ],
            "properties": {
              "easeFactor": {
                "bsonType": "number",
                "minimum": 1.3,
                "maximum": 5
              },
              "intervalDays": {
                "bsonType": "number",
                "minimum": 0
              },
              "repetitions": {
                "bsonType": [
                  "int",
                  "long"
                ],
                "minimum": 0
              }
            },
            "additionalProperties": false
          },
          "fsrs": {
            "bsonType": "object",
            "required": [
              "stability",
              "difficulty",
              "scheduledDays"
            ],
            "properties": {
              "stability": {
                "bsonType": "number",
                "minimum": 0
              },
              "difficulty": {
                "bsonType": "number",
                "minimum": 1,
                "maximum": 10
              },
              "elapsedDays": {
                "bsonType": "number",
                "minimum": 0
              },
              "scheduledDays": {
                "bsonType": "number",
                "minimum": 0
              }
            },
            "additionalProperties": false
          },
          "dueAt": {
            "bsonType": "date"
          },
          "lastReviewedAt": {
            "bsonType": [
              "date",
              "null"
            ]
          },
          "lastRating": {
            "bsonType": "int",
            "minimum": 0,
            "maximum": 5
          },
          "reps": {
            "bsonType": [
              "int",
              "long"
            ],
            "minimum": 0
          },
          "lapses": {
            "bsonType": [
              "int",
              "long"
            ],
            "minimum": 0
          },
          "reviewHistory": {
            "bsonType": "array",
            "maxItems": 500,
            "items": {
              "bsonType": "object",
              "required": [
                "reviewedAt",
                "rating"
              ],
              "properties": {
                "reviewedAt": {
                  "bsonType": "date"
                },
                "rating": {
                  "bsonType": "int",
                  "minimum": 0,
                  "maximum": 5
                },
                "intervalDays": {
                  "bsonType": "number",
                  "minimum": 0
                },
                "elapsedDays": {
                  "bsonType": "number",
                  "minimum": 0
                },
                "durationMs": {
                  "bsonType": [
                    "int",
                    "long"
                  ],
                  "minimum": 0
                }
              },
              "additionalProperties": false
            }
          },
          "createdAt": {
            "bsonType": "date"
          },
          "updatedAt": {
            "bsonType": "date"
          }
        },
        "additionalProperties": false,
        "oneOf": [
          {
            "properties": {
              "algorithm": {
                "enum": [
                  "sm2"
                ]
              }
            },
            "required": [
              "sm2"
            ]
          },
          {
            "properties": {
              "algorithm": {
                "enum": [
                  "fsrs"
                ]
              }
            },
            "required": [
              "fsrs"
            ]
          }
        ]
      }
    },
    "indexes": [
      {
        "name": "user_card",
        "key": {
          "userId": 1,
          "flashcardId": 1
        },
        "unique": true
      },
      {
        "name": "user_due",
        "key": {
          "userId": 1,
          "dueAt": 1
        }
      },
      {
        "name": "deck_user",
        "key": {
          "deckId": 1,
          "userId": 1
        }
      }
    ]
  },
  {
    "name": "analytics_aggregates",
    "purpose": "Pre-computed analytics",
    "validationLevel": "strict",
    "validationAction": "error",
    "validationWhy": "dashboards read these without checks; the aggregation job must fail loudly instead",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "metric",
          "period",
          "periodStart",
          "periodEnd",
          "dimensions",
          "dimensionsKey",
          "value",
          "computedAt"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "metric": {
            "enum": [
              "active_users",
              "new_users",
              "course_enrollments",
              "course_completions",
              "lesson_views",
              "quiz_attempts",
              "quiz_pass_rate",
              "job_applications",
              "job_views",
              "revenue",
              "search_queries"
            ]
          },
          "period": {
            "enum": [
              "hour",
              "day",
              "week",
              "month",
              "quarter",
              "year"
            ]
          },
          "periodStart": {
            "bsonType": "date"
          },
          "periodEnd": {
            "bsonType": "date"
          },
          "dimensions": {
            "bsonType": "object",
            "required": [],
            "properties": {
              "courseId": {
                "bsonType": "string",
                "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
              },
              "lessonId": {
                "bsonType": "string",
                "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
              },
              "jobId": {
                "bsonType": "string",
                "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
              },
              "companyId": {
                "bsonType": "string",
                "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
              },
              "instructorId": {
                "bsonType": "string",
                "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
              },
              "categoryId": {
                "bsonType": "string",
                "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
              },
              "userType": {
                "enum": [
                  "student",
                  "company",
                  "admin",
                  "instructor",
                  "mentor"
                ]
              },
              "country": {
                "bsonType": "string",
                "pattern": "^[A-Z]{2}$"
              }
            },
            "additionalProperties": false
          },
          "dimensionsKey": {
            "bsonType": "string",
            "maxLength": 1000
          },
          "value": {
            "bsonType": "number"
          },
          "count": {
            "bsonType": [
              "int",
              "long"
            ],
            "minimum": 0
          },
          "unit": {
            "enum": [
              "count",
              "ratio",
              "percent",
              "seconds",
              "usd_cents"
            ]
          },
          "computedAt": {
            "bsonType": "date"
          }
        },
        "additionalProperties": false
      }
    },
    "indexes": [
      {
        "name": "metric_period_dimensions",
        "key": {
          "metric": 1,
          "period": 1,
          "periodStart": 1,
          "dimensionsKey": 1
        },
        "unique": true
      },
      {
        "name": "course_metric_time",
        "key": {
          "dimensions.courseId": 1,
          "metric": 1,
          "periodStart": -1
        }
      },
      {
        "name": "time",
        "key": {
          "periodStart": -1
        }
      }
    ]
  },
  {
    "name": "user_sessions",
    "purpose": "Session tracking",
    "validationLevel": "strict",
    "validationAction": "error",
    "validationWhy": "sessions gate authentication; a session without a user or dates must not exist",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "sessionId",
          "userId",
          "userType",
          "status",
          "startedAt",
          "lastActivityAt"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "sessionId": {
            "bsonType": "string",
            "minLength": 1,
            "maxLength": 128
          },
          "userId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "userType": {
            "enum": [
              "student",
              "company",
              "admin",
              "instructor",
              "mentor"
            ]
          },
          "status": {
            "enum": [
              "active",
              "ended",
              "expired",
              "revoked"
            ]
          },
          "startedAt": {
            "bsonType": "date"
          },
          "lastActivityAt": {
            "bsonType": "date"
          },
          "endedAt": {
            "bsonType": [
              "date",
              "null"
            ]
          },
          "ipAddress": {
            "bsonType": "string",
            "maxLength": 45
          },
          "userAgent": {
            "bsonType": "string",
            "maxLength": 1000
          },
          "device": {
            "bsonType": "object",
            "required": [],
            "properties": {
              "type": {
                "enum": [
                  "desktop",
                  "mobile",
                  "tablet",
                  "other"
                ]
              },
              "os": {
                "bsonType": "string",
                "minLength": 1,
                "maxLength": 100
              },
              "browser": {
                "bsonType": "string",
                "minLength": 1,
                "maxLength": 100
              }
            },
            "additionalProperties": false
          },
          "pageViews": {
            "bsonType": [
              "int",
              "long"
            ],
            "minimum": 0
          }
        },
        "additionalProperties": false
      }
    },
    "indexes": [
      {
        "name": "session_id",
        "key": {
          "sessionId": 1
        },
        "unique": true
      },
      {
        "name": "user_time",
        "key": {
          "userId": 1,
          "startedAt": -1
        }
      },
      {
        "name": "ttl_last_activity",
        "key": {
          "lastActivityAt": 1
        },
        "expireAfterSeconds": 7776000
      }
    ]
  },
  {
    "name": "resume_analysis",
    "purpose": "Parsed resume data",
    "validationLevel": "strict",
    "validationAction": "error",
    "validationWhy": "recruiters act on parsed resumes; an analysis detached from its S3 object is useless",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "studentId",
          "userId",
          "resumeS3Key",
          "parserVersion",
          "status",
          "createdAt"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "studentId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "userId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "resumeS3Key": {
            "bsonType": "string",
            "pattern": "^users/resumes/[^/]+(/[^/]+)*\\.(pdf|docx?|txt|rtf)$",
            "maxLength": 1024
          },
          "fileName": {
            "bsonType": "string",
            "minLength": 1,
            "maxLength": 255
          },
          "mimeType": {
            "enum": [
              "application/pdf",
              "application/msword",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "text/plain",
              "application/rtf"
            ]
          },
          "parserVersion": {
            "bsonType": "string",
            "minLength": 1,
            "maxLength": 50
          },
          "status": {
            "enum": [
              "pending",
              "processing",
              "completed",
              "failed"
            ]
          },
          "parsed": {
            "bsonType": "object",
            "required": [],
            "properties": {
              "fullName": {
                "bsonType": "string",
                "minLength": 1,
                "maxLength": 255
              },
              "email": {
                "bsonType": "string",
                "pattern": "^[^@\\s]+@[^@\\s]+$"
              },
              "phone": {
                "bsonType": "string",
                "maxLength": 50
              },
              "summary": {
                "bsonType": "string",
                "maxLength": 5000
              },
              "totalExperienceYears": {
                "bsonType": "number",
                "minimum": 0,
                "maximum": 80
              },
              "skills": {
                "bsonType": "array",
                "items": {
                  "bsonType": "object",
                  "required": [
                    "name"
                  ],
                  "properties": {
                    "name": {
                      "bsonType": "string",
                      "minLength": 1,
                      "maxLength": 100
                    },
                    "skillId": {
                      "bsonType": "string",
                      "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
                    },
                    "confidence": {
                      "bsonType": "number",
                      "minimum": 0,
                      "maximum": 1
                    },
                    "yearsExperience": {
                      "bsonType": "number",
                      "minimum": 0,
                      "maximum": 80
                    }
                  },
                  "additionalProperties": false
                }
              },
              "experience": {
                "bsonType": "array",
                "items": {
                  "bsonType": "object",
                  "required": [
                    "company",
                    "title"
                  ],
                  "properties": {
                    "company": {
                      "bsonType": "string",
                      "minLength": 1,
                      "maxLength": 255
                    },
                    "title": {
                      "bsonType": "string",
                      "minLength": 1,
                      "maxLength": 255
                    },
                    "startDate": {
                      "bsonType": [
                        "date",
                        "null"
                      ]
                    },
                    "endDate": {
                      "bsonType": [
                        "date",
                        "null"
                      ]
                    },
                    "description": {
                      "bsonType": "string"
                    }
                  },
                  "additionalProperties": false
                }
              },
              "education": {
                "bsonType": "array",
                "items": {
                  "bsonType": "object",
                  "required": [
                    "institution"
                  ],
                  "properties": {
                    "institution": {
                      "bsonType": "string",
                      "minLength": 1,
                      "maxLength": 255
                    },
                    "degree": {
                      "bsonType": "string"
                    },
                    "field": {
                      "bsonType": "string"
                    },
                    "graduationYear": {
                      "bsonType": "int",
                      "minimum": 1950,
                      "maximum": 2100
                    }
                  },
                  "additionalProperties": false
                }
              },
              "languages": {
                "bsonType": "array",
                "items": {
                  "bsonType": "string"
                }
              }
            },
            "additionalProperties": false
          },
          "atsScore": {
            "bsonType": "number",
            "minimum": 0,
            "maximum": 100
          },
          "error": {
            "bsonType": "string"
          },
          "createdAt": {
            "bsonType": "date"
          },
          "analyzedAt": {
            "bsonType": [
              "date",
              "null"
            ]
          }
        },
        "additionalProperties": false
      }
    },
    "indexes": [
      {
        "name": "resume_parser",
        "key": {
          "resumeS3Key": 1,
          "parserVersion": 1
        },
        "unique": true
      },
      {
        "name": "student_time",
        "key": {
          "studentId": 1,
          "createdAt": -1
        }
      },
      {
        "name": "user_time",
        "key": {
          "userId": 1,
          "createdAt": -1
        }
      },
      {
        "name": "status_time",
        "key": {
          "status": 1,
          "createdAt": 1
        }
      },
      {
        "name": "skill_name",
        "key": {
          "parsed.skills.name": 1
        }
      }
    ]
  },
  {
    "name": "search_logs",
    "purpose": "Search queries",
    "validationLevel": "strict",
    "validationAction": "warn",
    "validationWhy": "best-effort telemetry: an odd log line is logged by the server, not lost by the search request",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "query",
          "searchType",
          "searchedAt",
          "resultCount"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "userId": {
            "bsonType": [
              "string",
              "null"
            ],
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "sessionId": {
            "bsonType": "string",
            "maxLength": 128
          },
          "query": {
            "bsonType": "string",
            "maxLength": 1000
          },
          "searchType": {
            "enum": [
              "job",
              "course",
              "mentor",
              "webinar",
              "material",
              "student",
              "global"
            ]
          },
          "filters": {
            "bsonType": "object"
          },
          "resultCount": {
            "bsonType": [
              "int",
              "long"
            ],
            "minimum": 0
          },
          "clickedResults": {
            "bsonType": "array",
            "items": {
              "bsonType": "object",
              "required": [
                "resultId",
                "position"
              ],
              "properties": {
                "resultId": {
                  "bsonType": "string",
                  "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
                },
                "resultType": {
                  "bsonType": "string"
                },
                "position": {
                  "bsonType": "int",
                  "minimum": 0
                },
                "clickedAt": {
                  "bsonType": "date"
                }
              },
              "additionalProperties": false
            }
          },
          "responseTimeMs": {
            "bsonType": [
              "int",
              "long"
            ],
            "minimum": 0
          },
          "searchedAt": {
            "bsonType": "date"
          }
        },
        "additionalProperties": false
      }
    },
    "indexes": [
      {
        "name": "user_time",
        "key": {
          "userId": 1,
          "searchedAt": -1
        }
      },
      {
        "name": "type_time",
        "key": {
          "searchType": 1,
          "searchedAt": -1
        }
      },
      {
        "name": "ttl_searched_at",
        "key": {
          "searchedAt": 1
        },
        "expireAfterSeconds": 15552000
      }
    ]
  },
  {
    "name": "notification_queue",
    "purpose": "Real-time notifications",
    "validationLevel": "strict",
    "validationAction": "error",
    "validationWhy": "delivery workers trust queue entries; a bad entry must fail at the producer",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "notificationId",
          "userId",
          "type",
          "channel",
          "status",
          "payload",
          "attempts",
          "createdAt"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "notificationId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "userId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "type": {
            "enum": [
              "course_update",
              "job_match",
              "application_update",
              "webinar_reminder",
              "payment_confirmation",
              "mentor_session",
              "referral_update",
              "system_announcement"
            ]
          },
          "channel": {
            "enum": [
              "in_app",
              "email",
              "push",
              "sms"
            ]
          },
          "status": {
            "enum": [
              "queued",
              "sending",
              "delivered",
              "failed",
              "read",
              "cancelled"
            ]
          },
          "priority": {
            "enum": [
              "low",
              "normal",
              "high"
            ]
          },
          "payload": {
            "bsonType": "object",
            "required": [
              "title",
              "body"
            ],
            "properties": {
              "title": {
                "bsonType": "string",
                "minLength": 1,
                "maxLength": 200
              },
              "body": {
                "bsonType": "string",
                "minLength": 1,
                "maxLength": 5000
              },
              "link": {
                "bsonType": "string",
                "maxLength": 2000
              },
              "data": {
                "bsonType": "object"
              }
            },
            "additionalProperties": false
          },
          "attempts": {
            "bsonType": "int",
            "minimum": 0,
            "maximum": 20
          },
          "lastError": {
            "bsonType": "string"
          },
          "scheduledFor": {
            "bsonType": "date"
          },
          "createdAt": {
            "bsonType": "date"
          },
          "deliveredAt": {
            "bsonType": [
              "date",
              "null"
            ]
          },
          "readAt": {
            "bsonType": [
              "date",
              "null"
            ]
          }
        },
        "additionalProperties": false
      }
    },
    "indexes": [
      {
        "name": "notification_channel",
        "key": {
          "notificationId": 1,
          "channel": 1
        },
        "unique": true
      },
      {
        "name": "user_status_time",
        "key": {
          "userId": 1,
          "status": 1,
          "createdAt": -1
        }
      },
      {
        "name": "status_schedule",
        "key": {
          "status": 1,
          "scheduledFor": 1
        }
      },
      {
        "name": "ttl_created_at",
        "key": {
          "createdAt": 1
        },
        "expireAfterSeconds": 604800
      }
    ]
  },
  {
    "name": "event_log",
    "purpose": "Event-driven events",
    "validationLevel": "strict",
    "validationAction": "warn",
    "validationWhy": "events from many producers; dropping an event is worse than storing one with an odd shape",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "eventId",
          "eventType",
          "source",
          "occurredAt",
          "payload"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "eventId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "eventType": {
            "bsonType": "string",
            "pattern": "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$"
          },
          "version": {
            "bsonType": "int",
            "minimum": 1
          },
          "source": {
            "bsonType": "string",
            "minLength": 1,
            "maxLength": 100
          },
          "aggregateType": {
            "bsonType": "string",
            "maxLength": 100
          },
          "aggregateId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "userId": {
            "bsonType": [
              "string",
              "null"
            ],
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "correlationId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "causationId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "payload": {
            "bsonType": "object"
          },
          "status": {
            "enum": [
              "pending",
              "processed",
              "failed"
            ]
          },
          "occurredAt": {
            "bsonType": "date"
          },
          "processedAt": {
            "bsonType": [
              "date",
              "null"
            ]
          }
        },
        "additionalProperties": false
      }
    },
    "indexes": [
      {
        "name": "event_id",
        "key": {
          "eventId": 1
        },
        "unique": true
      },
      {
        "name": "type_time",
        "key": {
          "eventType": 1,
          "occurredAt": -1
        }
      },
      {
        "name": "aggregate_time",
        "key": {
          "aggregateType": 1,
          "aggregateId": 1,
          "occurredAt": 1
        }
      },
      {
        "name": "user_time",
        "key": {
          "userId": 1,
          "occurredAt": -1
        }
      },
      {
        "name": "ttl_occurred_at",
        "key": {
          "occurredAt": 1
        },
        "expireAfterSeconds": 2592000
      }
    ]
  },
  {
    "name": "course_engagement",
    "purpose": "Content engagement heatmaps",
    "validationLevel": "strict",
    "validationAction": "error",
    "validationWhy": "heatmap buckets are written by one aggregation job that should fail loudly",
    "validator": {
      "$jsonSchema": {
        "bsonType": "object",
        "required": [
          "_id",
          "courseId",
          "lessonId",
          "bucketDate",
          "bucketSeconds",
          "segments",
          "totals",
          "updatedAt"
        ],
        "properties": {
          "_id": {
            "bsonType": "objectId"
          },
          "courseId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "lessonId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "moduleId": {
            "bsonType": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
          },
          "contentType": {
            "enum": [
              "video",
              "text",
              "pdf",
              "audio",
              "image",
              "quiz",
              "flashcard",
              "scorm_package",
              "external_link"
            ]
          },
          "bucketDate": {
            "bsonType": "date"
          },
          "bucketSeconds": {
            "bsonType": "int",
            "minimum": 1,
            "maximum": 3600
          },
          "segments": {
            "bsonType": "array",
            "maxItems": 2000,
            "items": {
              "bsonType": "object",
              "required": [
                "startSecond",
                "views"
              ],
              "properties": {
                "startSecond": {
                  "bsonType": "int",
                  "minimum": 0
                },
                "views": {
                  "bsonType": [
                    "int",
                    "long"
                  ],
                  "minimum": 0
                },
                "uniqueViewers": {
                  "bsonType": [
                    "int",
                    "long"
                  ],
                  "minimum": 0
                },
                "replays": {
                  "bsonType": [
                    "int",
                    "long"
                  ],
                  "minimum": 0
                },
                "dropOffs": {
                  "bsonType": [
                    "int",
                    "long"
                  ],
                  "minimum": 0
                },
                "avgWatchSeconds": {
                  "bsonType": "number",
                  "minimum": 0
                }
              },
              "additionalProperties": false
            }
          },
          "hourly": {
            "bsonType": "array",
            "minItems": 24,
            "maxItems": 24,
            "items": {
              "bsonType": [
                "int",
                "long"
              ],
              "minimum": 0
            }
          },
          "totals": {
            "bsonType": "object",
            "required": [
              "views",
              "uniqueViewers"
            ],
            "properties": {
              "views": {
                "bsonType": [
                  "int",
                  "long"
                ],
                "minimum": 0
              },
              "uniqueViewers": {
                "bsonType": [
                  "int",
                  "long"
                ],
                "minimum": 0
              },
              "completions": {
                "bsonType": [
                  "int",
                  "long"
                ],
                "minimum": 0
              },
              "avgTimeSpentSeconds": {
                "bsonType": "number",
                "minimum": 0
              },
              "completionRate": {
                "bsonType": "number",
                "minimum": 0,
                "maximum": 1
              }
            },
            "additionalProperties": false
          },
          "updatedAt": {
            "bsonType": "date"
          }
        },
        "additionalProperties": false
      }
    },
    "indexes": [
      {
        "name": "course_lesson_day",
        "key": {
          "courseId": 1,
          "lessonId": 1,
          "bucketDate": 1
        },
        "unique": true
      },
      {
        "name": "course_time",
        "key": {
          "courseId": 1,
          "bucketDate": -1
        }
      },
      {
        "name": "time",
        "key": {
          "bucketDate": -1
        }
      }
    ]
  }
] as unknown as CollectionDef[]);
