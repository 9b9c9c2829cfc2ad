"""The disk cache of derived word tables: the same table back, rebuilt when the code changes."""
from dedupe.artifacts import tablecache
from dedupe.artifacts.tablecache import disk_cached


def _counting(module, table):
    calls = []

    @disk_cached("probe", sources=[module], packages=["wordfreq"])
    def build():
        calls.append(1)
        return dict(table)

    return build, calls


def test_a_table_is_built_once_then_read_back_equal_and_in_order(tmp_path, monkeypatch):
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    module = tmp_path / "builder.py"
    module.write_text("X = 1\n")
    table = {"über": "de", "casa": "es", "a b": "c d", "": "empty key"}
    build, calls = _counting(module, table)
    assert build() == table and calls == [1]
    again = build()
    assert again == table and list(again) == list(table) and calls == [1]


def test_editing_the_builder_makes_a_new_file_and_removes_the_old(tmp_path, monkeypatch):
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    module = tmp_path / "builder.py"
    module.write_text("X = 1\n")
    build, calls = _counting(module, {"a": "1"})
    build()
    module.write_text("X = 2\n")
    build()
    assert calls == [1, 1]
    assert len(list(tmp_path.glob("probe-*.txt"))) == 1


def test_a_table_with_tabs_or_line_breaks_is_built_each_time(tmp_path, monkeypatch):
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    module = tmp_path / "builder.py"
    module.write_text("")
    build, calls = _counting(module, {"a\tb": "1", "c": "2\n3"})
    assert build() == {"a\tb": "1", "c": "2\n3"}
    build()
    assert calls == [1, 1] and not list(tmp_path.glob("probe-*"))


def test_an_unwritable_or_damaged_cache_falls_back_to_building(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(blocker / "cache"))  # a folder under a file
    module = tmp_path / "builder.py"
    module.write_text("")
    build, calls = _counting(module, {"a": "1"})
    assert build() == {"a": "1"} == build() and calls == [1, 1]
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path))
    build()
    (damaged,) = tmp_path.glob("probe-*.txt")
    damaged.write_text("a\nb\tonly one value")
    assert build() == {"a": "1"} and calls == [1, 1, 1, 1]


def test_the_default_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("DEDUPE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert tablecache.cache_dir() == tmp_path / "dedupe"
