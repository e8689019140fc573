"""Each family's ``configs/<family>/metafile.yml`` against its folder, README.

The metafiles follow mmaction2's format (``Collections`` and ``Models`` with
``Name``, ``Config``, ``In Collection``, ``Metadata`` and ``Results``). The
README is what a user reads: short, without dates or machine load, and its
results table must carry every result the metafile lists, linking to the
measurement record in ``docs/experiments/``.
"""
import re
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIGS = REPO_ROOT / 'configs'
FAMILIES = sorted(p.name for p in CONFIGS.iterdir()
                  if p.is_dir() and not p.name.startswith('_'))
README_MAX_BYTES = 10_500
# A date, a time of day, or the machine's load: these belong in
# docs/experiments/<family>.md, not in the README a user reads.
FORBIDDEN_IN_README = [
    re.compile(r'20\d\d-\d\d-\d\d'),
    re.compile(r'\b\d\d?:\d\d\b'),
    re.compile(r'\bUTC\b'),
    re.compile(r'load average', re.IGNORECASE),
    re.compile(r'\bload (?:of )?~?\d', re.IGNORECASE),
    re.compile(r'\bunder load\b', re.IGNORECASE),
]
NUMBER = re.compile(r'(?<![\w.])\d+(?:\.\d+)?')
LINK = re.compile(r'\]\(([^)\s]+)\)')


def load_metafile(family):
    path = CONFIGS / family / 'metafile.yml'
    assert path.is_file(), (
        f'{path} is missing: every family lists its configs there')
    with open(path) as f:
        meta = yaml.safe_load(f)
    assert isinstance(meta, dict) and set(meta) >= {'Collections', 'Models'}, (
        f'{path}: needs top-level Collections and Models lists')
    return meta


def results_table(readme_text):
    """The table rows (lists of cells) under the README's ``## Results``."""
    match = re.search(r'^## Results[^\n]*\n(.*?)(?=^## |\Z)', readme_text,
                      re.MULTILINE | re.DOTALL)
    assert match, 'the README has no "## Results ..." section'
    rows = [line for line in match.group(1).splitlines()
            if line.startswith('|')]
    assert len(rows) >= 2, 'the Results section has no table'
    return [[c.strip() for c in r.strip('|').split('|')] for r in rows[2:]]


def github_anchor(heading):
    slug = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return slug.replace(' ', '-')


def anchors_of(markdown_path):
    return {github_anchor(m.group(1)) for m in re.finditer(
        r'^#+\s+(.*)$', markdown_path.read_text(), re.MULTILINE)}


@pytest.mark.parametrize('family', FAMILIES)
def test_metafile_lists_every_config(family):
    meta = load_metafile(family)
    folder = CONFIGS / family
    listed = {}
    for model in meta['Models']:
        config = REPO_ROOT / model['Config']
        assert config.is_file(), (
            f'{family}/metafile.yml: {config} does not exist')
        assert config.parent == folder, (
            f'{family}/metafile.yml: {model["Config"]} is not in {folder}')
        assert model['Name'] == config.stem, (
            f'{family}/metafile.yml: Name {model["Name"]!r} should be the '
            f'config stem {config.stem!r}')
        assert model['Name'] not in listed, (
            f'{family}/metafile.yml lists {model["Name"]} twice')
        listed[model['Name']] = model
    on_disk = {p.stem for p in folder.glob('*.py')}
    assert set(listed) == on_disk, (
        f'{family}/metafile.yml: configs not listed '
        f'{sorted(on_disk - set(listed))}, listed but absent '
        f'{sorted(set(listed) - on_disk)}')
    collections = {c['Name'] for c in meta['Collections']}
    for model in meta['Models']:
        assert model['In Collection'] in collections, (
            f'{family}/metafile.yml: {model["Name"]} is in an unknown '
            f'collection {model["In Collection"]!r}')
        assert isinstance(model.get('Metadata'), dict), (
            f'{family}/metafile.yml: {model["Name"]} has no Metadata')


@pytest.mark.parametrize('family', FAMILIES)
def test_metafile_readme_fields(family):
    meta = load_metafile(family)
    for collection in meta['Collections']:
        readme = REPO_ROOT / collection['README']
        assert readme == CONFIGS / family / 'README.md', (
            f'{family}/metafile.yml: collection {collection["Name"]} points '
            f'at {collection["README"]}, not at the family README')
        assert readme.is_file()


@pytest.mark.parametrize('family', FAMILIES)
def test_results_are_numbers_in_the_readme_table(family):
    meta = load_metafile(family)
    rows = results_table((CONFIGS / family / 'README.md').read_text())
    for model in meta['Models']:
        if 'Results' not in model:
            continue
        results = model['Results']
        assert isinstance(results, list) and results, (
            f'{family}/metafile.yml: {model["Name"]} Results must be a list')
        config_file = Path(model['Config']).name
        # the config's own rows: the first cell links to the config file
        # (rows of variants with --cfg-options overrides do not count)
        numbers = {float(n) for row in rows
                   if any(Path(link).name == config_file
                          for link in LINK.findall(row[0]))
                   for cell in row[1:] for n in NUMBER.findall(cell)}
        assert numbers, (
            f'{family}: {model["Name"]} has Results but no row of the '
            f'README results table links to {config_file}')
        for result in results:
            assert {'Dataset', 'Task', 'Metrics'} <= set(result), (
                f'{family}/metafile.yml: {model["Name"]}: a result needs '
                'Dataset, Task and Metrics')
            for name, value in result['Metrics'].items():
                assert isinstance(value, (int, float)) and not isinstance(
                    value, bool), (
                        f'{family}/metafile.yml: {model["Name"]} metric '
                        f'{name!r} is {value!r}, not a number')
                assert any(abs(value - n) < 1e-9 for n in numbers), (
                    f'{family}: {model["Name"]} {name} = {value} is not in '
                    f'its row of the README results table')


@pytest.mark.parametrize('family', FAMILIES)
def test_results_table_links_to_the_record(family):
    readme = CONFIGS / family / 'README.md'
    rows = results_table(readme.read_text())
    for row in rows:
        links = [link for cell in row for link in LINK.findall(cell)
                 if 'docs/experiments/' in link]
        assert links, (f'{family} README: results row {row[0]!r} does not '
                       'link to docs/experiments/')
        for link in links:
            path, _, anchor = link.partition('#')
            target = (readme.parent / path).resolve()
            assert target.is_file(), (
                f'{family} README links to {link}: no such file')
            if anchor:
                assert anchor in anchors_of(target), (
                    f'{family} README links to {link}: no such heading')


@pytest.mark.parametrize('family', FAMILIES)
def test_readme_is_short_and_undated(family):
    readme = CONFIGS / family / 'README.md'
    size = readme.stat().st_size
    assert size <= README_MAX_BYTES, (
        f'{readme} is {size} bytes (at most {README_MAX_BYTES}): move the '
        f'measurement narrative to docs/experiments/{family}.md')
    for number, line in enumerate(readme.read_text().splitlines(), 1):
        for pattern in FORBIDDEN_IN_README:
            assert not pattern.search(line), (
                f'{readme}:{number} carries a date, time or machine load '
                f'({pattern.pattern!r}); it belongs in '
                f'docs/experiments/{family}.md: {line.strip()}')
