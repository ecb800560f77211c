from gongkai.search.tests.conftest import desk, media, platform, search_dir

__all__ = ["desk", "media", "platform", "search_dir"]
