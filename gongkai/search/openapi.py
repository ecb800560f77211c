"""The OpenAPI 3.1 document of the public search API (served at /api/v1/openapi.json)."""

from typing import Any

from gongkai.assistant import openapi as assistant_openapi
from gongkai.publishing.models import Validity

from . import doctypes
from .engine import MAX_PAGE_SIZE, MAX_RESULTS, PAGE_SIZE

FACETS_DESCRIPTION = "分面统计：site（全部网站时）、organisation、column、subject、doctype、year、validity"


def _param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _hit() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "title", "url", "score"],
        "properties": {
            "id": {"type": "integer"},
            "external_id": {"type": "string", "description": "导入来源中的标识（如有）"},
            "title": {"type": "string"},
            "title_html": {"type": "string", "description": "标题，命中词以 <mark> 标出（已转义）"},
            "doc_number": {"type": "string", "description": "文号，如 国发〔2019〕5号"},
            "index_number": {"type": "string", "description": "索引号"},
            "organisation": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "column": {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}},
            "subject": {"type": "string", "description": "主题分类"},
            "type": {"type": "string", "enum": doctypes.all_types(), "description": "文种"},
            "validity": {"type": "string", "enum": list(Validity.values)},
            "published_at": {"type": ["string", "null"], "format": "date-time"},
            "url": {"type": "string", "format": "uri"},
            "snippet_html": {"type": "string", "description": "正文摘要，截自原文，命中词以 <mark> 标出（已转义）"},
            "score": {"type": "number", "description": "相关度得分（按日期排序时为 0）"},
        },
    }


def document(*, server: str = "/") -> dict[str, Any]:
    facet_value = {
        "type": "object",
        "properties": {
            "value": {"type": "string", "description": "作为筛选参数的取值"},
            "label": {"type": "string"},
            "count": {"type": "integer"},
            "selected": {"type": "boolean"},
            "approximate": {
                "type": "boolean",
                "description": "为真时 count 是按匹配结果的抽样估算的约数（匹配超过 2 万条且检索词很常见时）",
            },
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "政务公开平台 检索与政策问答接口",
            "version": "1",
            "description": (
                "检索本站（或全部网站）主动公开的政府信息，并就政策提问（回答只引用已公开的文件）。只返回当前公开的信息：撤稿的信息立即从结果中消失。"
                "错误的参数不会导致错误响应，而是被忽略，并在 notices 中说明。"
            ),
        },
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/search": {
                "get": {
                    "operationId": "search",
                    "summary": "全文检索",
                    "parameters": [
                        _param(
                            "q",
                            "检索词：关键词、问句、文号（任意括号或全半角）或索引号；超过 100 字只取前 100 字",
                            {"type": "string", "maxLength": 2000},
                        ),
                        _param(
                            "page",
                            f"页码，从 1 开始；最多翻阅前 {MAX_RESULTS} 条",
                            {"type": "integer", "minimum": 1, "default": 1},
                        ),
                        _param(
                            "page_size",
                            "每页条数",
                            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
                        ),
                        _param(
                            "sort",
                            "排序：相关度或发布日期（新的在前）",
                            {"type": "string", "enum": ["relevance", "date"], "default": "relevance"},
                        ),
                        _param("scope", "all：检索全部网站；省略：只检索本站", {"type": "string", "enum": ["all"]}),
                        _param("org", "发布机构编号", {"type": "integer"}),
                        _param("column", "栏目编号", {"type": "integer"}),
                        _param("subject", "主题分类编号", {"type": "integer"}),
                        _param("type", "文种", {"type": "string", "enum": doctypes.all_types()}),
                        _param("year", "发布年份", {"type": "integer"}),
                        _param("validity", "有效性", {"type": "string", "enum": list(Validity.values)}),
                    ],
                    "responses": {
                        "200": {
                            "description": "检索结果",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["query", "total", "page", "results", "facets", "notices"],
                                        "properties": {
                                            "query": {"type": "string"},
                                            "scope": {"type": "string", "enum": ["site", "all"]},
                                            "site": {"type": ["string", "null"]},
                                            "sort": {"type": "string"},
                                            "page": {"type": "integer"},
                                            "page_size": {"type": "integer"},
                                            "pages": {"type": "integer"},
                                            "total": {"type": "integer", "description": "命中的信息总数"},
                                            "took_ms": {"type": "number"},
                                            "notices": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                                "description": "给用户的提示（参数被忽略、检索词过长等）",
                                            },
                                            "direct": {
                                                "oneOf": [{"$ref": "#/components/schemas/Hit"}, {"type": "null"}],
                                                "description": "检索词是文号或索引号时直达的信息",
                                            },
                                            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                                            "facets": {
                                                "type": "object",
                                                "description": FACETS_DESCRIPTION,
                                                "additionalProperties": {"type": "array", "items": facet_value},
                                            },
                                            "suggestions": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                                "description": "您是不是要找",
                                            },
                                            "related": {
                                                "type": "array",
                                                "items": {"type": "string"},
                                                "description": "相关搜索",
                                            },
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/api/v1/search/complete": {
                "get": {
                    "operationId": "complete",
                    "summary": "标题联想（输入时提示）",
                    "parameters": [
                        _param("q", "已输入的文字", {"type": "string", "maxLength": 40}),
                        _param("scope", "all：全部网站", {"type": "string", "enum": ["all"]}),
                    ],
                    "responses": {
                        "200": {
                            "description": "联想的标题",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "query": {"type": "string"},
                                            "completions": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "id": {"type": "integer"},
                                                        "title": {"type": "string"},
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
            **assistant_openapi.paths(),
        },
        "components": {"schemas": {"Hit": _hit()}},
    }
