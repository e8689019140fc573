"""Reading FIT, TCX and GPX workout files into per-record columns.

The parsers (fitdecode, tcxreader, gpxpy) are optional: ``pip install -r
requirements/optional.txt``. :mod:`ftplugin.datasets.converters.workouts`
resamples what they read into the apple_watch ``.pt`` format.
"""
import math
from datetime import datetime, timezone
from typing import Dict



FORMATS = {'.fit': 'fit', '.tcx': 'tcx', '.gpx': 'gpx'}
PARSERS = {'fit': 'fitdecode', 'tcx': 'tcxreader', 'gpx': 'gpxpy'}


class WorkoutError(ValueError):
    """A workout file that cannot be converted (names file and field)."""


def import_parser(fmt: str):
    """The parser module of ``fmt``, or a clear error on how to get it."""
    name = PARSERS[fmt]
    try:
        return __import__(name)
    except ImportError as err:
        raise SystemExit(
            f'Reading {fmt.upper()} files needs the {name} package, which '
            f'is not installed: pip install -r requirements/optional.txt '
            f'(or pip install {name})') from err


def _num(value) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def _seconds(t: datetime) -> float:
    if t.tzinfo is None:  # GPX/TCX times without zone: take them as UTC
        t = t.replace(tzinfo=timezone.utc)
    return t.timestamp()


def read_fit(path: str) -> Dict[str, list]:
    """``record`` messages of a FIT file (fitdecode applies units)."""
    fitdecode = import_parser('fit')
    rows = dict(time=[], hr=[], speed=[], distance=[], altitude=[], lat=[],
                lon=[])
    try:
        with fitdecode.FitReader(path) as fit:
            for frame in fit:
                if (frame.frame_type != fitdecode.FIT_FRAME_DATA
                        or frame.name != 'record'):
                    continue
                stamp = frame.get_value('timestamp', fallback=None)
                if not isinstance(stamp, datetime):
                    continue

                def get(*names, frame=frame) -> float:
                    """The first of ``names`` the record holds."""
                    for name in names:
                        value = frame.get_value(name, fallback=None)
                        if value is not None:
                            return _num(value)
                    return math.nan

                rows['time'].append(_seconds(stamp))
                rows['hr'].append(get('heart_rate'))
                rows['speed'].append(get('enhanced_speed', 'speed') * 3.6)
                rows['distance'].append(get('distance'))
                rows['altitude'].append(get('enhanced_altitude', 'altitude'))
                # positions in semicircles
                rows['lat'].append(get('position_lat') * 180 / 2**31)
                rows['lon'].append(get('position_long') * 180 / 2**31)
    except fitdecode.FitError as err:
        raise WorkoutError(f'{path}: not a readable FIT file ({err})') from err
    return rows


def read_tcx(path: str) -> Dict[str, list]:
    """Trackpoints of a TCX file (tcxreader)."""
    import_parser('tcx')
    from tcxreader.tcxreader import TCXReader
    try:
        exercise = TCXReader().read(path, only_gps=False)
    except Exception as err:  # noqa: BLE001 - tcxreader raises many kinds
        raise WorkoutError(f'{path}: not a readable TCX file '
                           f'({type(err).__name__}: {err})') from err
    rows = dict(time=[], hr=[], speed=[], distance=[], altitude=[], lat=[],
                lon=[])
    for point in exercise.trackpoints:
        if not isinstance(point.time, datetime):
            continue
        rows['time'].append(_seconds(point.time))
        rows['hr'].append(_num(point.hr_value))
        rows['speed'].append(_num((point.tpx_ext or {}).get('Speed')) * 3.6)
        rows['distance'].append(_num(point.distance))
        rows['altitude'].append(_num(point.elevation))
        rows['lat'].append(_num(point.latitude))
        rows['lon'].append(_num(point.longitude))
    return rows


def _gpx_extension(point, names) -> float:
    """A numeric value from a GPX point's extensions (e.g. gpxtpx:hr)."""
    for ext in point.extensions or []:
        for element in ext.iter():
            if element.tag.rsplit('}', 1)[-1].lower() in names:
                return _num(element.text)
    return math.nan


def read_gpx(path: str) -> Dict[str, list]:
    """Track points of a GPX file (gpxpy); heart rate from the Garmin
    TrackPointExtension (``<gpxtpx:hr>``) or a plain ``<hr>``."""
    gpxpy = import_parser('gpx')
    try:
        with open(path, encoding='utf-8') as f:
            gpx = gpxpy.parse(f)
    except Exception as err:  # noqa: BLE001 - gpxpy raises many kinds
        raise WorkoutError(f'{path}: not a readable GPX file '
                           f'({type(err).__name__}: {err})') from err
    rows = dict(time=[], hr=[], speed=[], distance=[], altitude=[], lat=[],
                lon=[])
    for track in gpx.tracks:
        for segment in track.segments:
            for point in segment.points:
                if point.time is None:
                    continue
                rows['time'].append(_seconds(point.time))
                rows['hr'].append(_gpx_extension(point, ('hr', 'heartrate')))
                rows['speed'].append(
                    _gpx_extension(point, ('speed', )) * 3.6)
                rows['distance'].append(math.nan)
                rows['altitude'].append(_num(point.elevation))
                rows['lat'].append(_num(point.latitude))
                rows['lon'].append(_num(point.longitude))
    return rows


READERS = dict(fit=read_fit, tcx=read_tcx, gpx=read_gpx)
