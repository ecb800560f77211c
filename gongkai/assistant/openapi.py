"""The assistant's paths for the OpenAPI document (/api/v1/openapi.json). The search app's
`openapi.document()` merges them: `"paths": {..., **assistant_openapi.paths()}`."""

from typing import Any

from .answering import MAX_QUESTION_CHARS

_CITATION: dict[str, Any] = {
    "type": "object",
    "required": ["title", "doc_number", "article", "url", "external_id"],
    "properties": {
        "title": {"type": "string", "description": "文件标题"},
        "doc_number": {"type": "string", "description": "文号"},
        "article": {"type": "string", "description": "条款，如 第十二条"},
        "url": {"type": "string", "description": "文件在本站的地址"},
        "external_id": {"type": "string", "description": "导入来源中的标识（如有）"},
        "basis": {"type": "string", "description": "《标题》第X条（文号）"},
    },
}

_ERROR: dict[str, Any] = {
    "description": "问题为空、过长或请求格式不正确（error 为中文说明）",
    "content": {
        "application/json": {
            "schema": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
        }
    },
}
_RATE: dict[str, Any] = {**_ERROR, "description": "同一地址提问过于频繁"}

_REQUEST: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["question"],
                "properties": {
                    "question": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 1000,
                        "description": f"问题（只读取前{MAX_QUESTION_CHARS}字；个人信息在保存前脱敏）",
                    },
                    "site": {"type": "string", "description": "网站标识；缺省为当前网站"},
                },
            },
            "example": {"question": "职工退休后可以提取住房公积金吗？"},
        }
    },
}

_ANSWER: dict[str, Any] = {
    "type": "object",
    "required": ["answer", "sentences", "citations", "refused", "follow_ups", "question_id"],
    "properties": {
        "answer": {"type": "string", "description": "回答全文；拒答时为未能回答的说明"},
        "message": {"type": "string"},
        "sentences": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string", "description": "文件原文句子"}, "citation": _CITATION},
            },
        },
        "citations": {"type": "array", "items": _CITATION, "description": "依据"},
        "basis": {"type": "array", "items": {"type": "string"}},
        "refused": {"type": "boolean", "description": "已发布文件中没有找到答案"},
        "follow_ups": {"type": "array", "items": {"type": "string"}, "description": "推荐追问"},
        "interpretations": {
            "type": "array",
            "description": "与所引文件关联的政策解读",
            "items": {
                "type": "object",
                "properties": {
                    "external_id": {"type": "string"},
                    "title": {"type": "string"},
                    "doc_number": {"type": "string"},
                    "url": {"type": "string"},
                    "interprets": {"type": "string", "description": "所解读文件的地址"},
                },
            },
        },
        "missing_terms": {"type": "array", "items": {"type": "string"}},
        "search_url": {"type": "string", "description": "站内搜索地址"},
        "request_url": {"type": "string", "description": "依申请公开地址"},
        "source": {"type": "string", "enum": ["faq", "extractive", "llm"]},
        "took_ms": {"type": "number"},
        "question_id": {"type": ["integer", "null"]},
        "feedback_token": {"type": "string", "description": "评价该回答时提交"},
    },
}


def paths() -> dict[str, Any]:
    return {
        "/api/v1/assistant/ask": {
            "post": {
                "operationId": "assistantAsk",
                "summary": "政策问答",
                "description": (
                    "只根据已发布的政府文件回答，每句附出处；找不到依据时拒答（refused=true）并给出站内搜索和依申请公开的地址。"
                    "无需令牌、不使用 Cookie，按来源地址限制频率。"
                ),
                "requestBody": _REQUEST,
                "responses": {
                    "200": {"description": "回答或拒答", "content": {"application/json": {"schema": _ANSWER}}},
                    "400": _ERROR,
                    "429": _RATE,
                },
            }
        },
        "/api/v1/assistant/ask/stream": {
            "post": {
                "operationId": "assistantAskStream",
                "summary": "政策问答（流式）",
                "description": (
                    "与 /api/v1/assistant/ask 相同的回答，以 NDJSON 逐行发送，每行生成后立即发出：start、message、"
                    "每句一条 sentence（配置大模型时，每句核对原文后随模型输出逐句发送）、"
                    "citations（依据、政策解读和推荐追问），最后 done（refused、question_id、feedback_token）。"
                ),
                "requestBody": _REQUEST,
                "responses": {
                    "200": {
                        "description": "每行一个 JSON 事件，字段 event 为事件类型",
                        "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                    },
                    "400": _ERROR,
                    "429": _RATE,
                },
            }
        },
        "/api/v1/assistant/feedback": {
            "post": {
                "operationId": "assistantFeedback",
                "summary": "评价回答（有用 / 没用）",
                "description": "每个回答只能评价一次。",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["question_id", "feedback_token", "helpful"],
                                "properties": {
                                    "question_id": {"type": "integer"},
                                    "feedback_token": {"type": "string"},
                                    "helpful": {"type": "boolean"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": {"description": "已记录"},
                    "400": _ERROR,
                    "404": {"description": "回答不存在或令牌不符"},
                    "409": {"description": "已经评价过"},
                    "429": _RATE,
                },
            }
        },
        "/api/v1/assistant/hot": {
            "get": {
                "operationId": "assistantHot",
                "summary": "本周热点问题",
                "description": "本周被多次提问且已作答、不含个人信息的问题（已脱敏）。",
                "responses": {
                    "200": {
                        "description": "热点问题",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "week": {"type": "string", "format": "date"},
                                        "questions": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "text": {"type": "string"},
                                                    "count": {"type": "integer"},
                                                },
                                            },
                                        },
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
    }
