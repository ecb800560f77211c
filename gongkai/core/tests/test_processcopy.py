"""ProcessCopy: loaded once, again after the TTL or a forget()."""

from gongkai.core.processcopy import ProcessCopy


def test_loaded_once_until_the_ttl_passes_or_it_is_forgotten() -> None:
    loads: list[int] = []
    ttl = [60.0]

    def load() -> int:
        loads.append(1)
        return len(loads)

    copy = ProcessCopy(load, lambda: ttl[0])
    assert copy.get() == 1 and copy.get() == 1 and len(loads) == 1
    copy.forget()
    assert copy.get() == 2
    ttl[0] = 0.0  # every read is stale
    assert copy.get() == 3 and copy.get() == 4
