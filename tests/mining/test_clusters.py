"""Templates that say the same thing cluster; different failures stay apart."""

from __future__ import annotations

from engram.mining.clusters import cluster_name, cluster_templates


def test_variants_of_one_failure_cluster_and_others_stay_apart() -> None:
    templates = [
        "<PATH>:<NUM>:<NUM>: undefined: CacheToken",
        "<PATH>:<NUM>:<NUM>: undefined: OrderIndex",
        "<PATH>:<NUM>:<NUM>: undefined: UserStream",
        "ModuleNotFoundError: No module named <STR>",
        "AssertionError: expected <NUM> records, got <NUM>",
        "TypeError: Cannot read properties of undefined (reading <STR>)",
    ]
    labels = cluster_templates(templates, [3, 2, 2, 5, 4, 1])
    assert labels[0] == labels[1] == labels[2]
    assert len(set(labels[2:])) == 4


def test_one_template_is_one_cluster() -> None:
    assert cluster_templates(["a b"], [4]) == [0]
    assert cluster_templates([], []) == []


def test_labels_follow_first_appearance() -> None:
    labels = cluster_templates(["x failed <NUM>", "totally different words here"], [1, 9])
    assert labels == [0, 1]


def test_the_name_shows_varying_words_as_a_wildcard() -> None:
    name = cluster_name(["<PATH>: undefined: CacheToken", "<PATH>: undefined: OrderIndex"], [5, 2])
    assert name == "<PATH>: undefined: <*>"


def test_rare_templates_beyond_the_cap_join_their_nearest_cluster(monkeypatch) -> None:
    import engram.mining.clusters as clusters

    monkeypatch.setattr(clusters, "MAX_CLUSTERED", 2)
    templates = [
        "alpha beta gamma failed <NUM>",
        "zeta eta theta crashed",
        "alpha beta gamma failed",
    ]
    labels = clusters.cluster_templates(templates, [10, 8, 1])
    assert labels[2] == labels[0] != labels[1]
