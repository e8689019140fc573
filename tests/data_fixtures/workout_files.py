"""Small real-format workout files (GPX, TCX, FIT) for the converter tests.

GPX and TCX are written as XML by hand, FIT with fit_tool's encoder (the
converter reads them with gpxpy, tcxreader and fitdecode, other packages).
Each file holds one run sampled every ``interval`` seconds: a known heart
rate, speed, altitude and start time, so tests can compute what the
converter must produce.
"""
import math
from datetime import datetime, timedelta, timezone
from typing import Dict

import numpy as np

START_LAT, START_LON = 48.8566, 2.3522
EARTH_RADIUS = 6371008.8


def make_run(start: datetime, n: int, interval: float = 5.0,
             seed: int = 0) -> Dict[str, np.ndarray]:
    """A run heading north: time (s), hr (BPM), speed (m/s), altitude (m),
    distance (m), lat and lon."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) * interval
    speed = 2.8 + 0.4 * np.sin(t / 120.0) + rng.uniform(0, 0.1)
    distance = np.concatenate([[0.0], np.cumsum(speed[:-1] * interval)])
    altitude = 50.0 + 5.0 * np.sin(distance / 400.0)
    hr = np.round(120 + 30 * (1 - np.exp(-t / 90.0)) + 5 * np.sin(t / 60.0))
    lat = START_LAT + np.degrees(distance / EARTH_RADIUS)
    lon = np.full(n, START_LON)
    return dict(start=start, time=t, hr=hr, speed=speed, altitude=altitude,
                distance=distance, lat=lat, lon=lon)


def _iso(start: datetime, seconds: float) -> str:
    return (start + timedelta(seconds=float(seconds))).strftime(
        '%Y-%m-%dT%H:%M:%SZ')


def write_gpx(path, run: dict, with_hr: bool = True) -> None:
    """GPX 1.1 with Garmin TrackPointExtension heart rate."""
    points = []
    for i in range(len(run['time'])):
        ext = (f'<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>'
               f'{int(run["hr"][i])}</gpxtpx:hr></gpxtpx:TrackPointExtension>'
               f'</extensions>' if with_hr else '')
        points.append(
            f'<trkpt lat="{run["lat"][i]:.8f}" lon="{run["lon"][i]:.8f}">'
            f'<ele>{run["altitude"][i]:.3f}</ele>'
            f'<time>{_iso(run["start"], run["time"][i])}</time>{ext}'
            f'</trkpt>')
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="ftplugin tests" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/'
        'TrackPointExtension/v1">'
        '<trk><name>run</name><type>running</type><trkseg>' +
        ''.join(points) + '</trkseg></trk></gpx>\n')
    with open(path, 'w') as f:
        f.write(xml)


def write_tcx(path, run: dict) -> None:
    """TCX with HeartRateBpm, DistanceMeters and the TPX Speed extension."""
    points = []
    for i in range(len(run['time'])):
        points.append(
            f'<Trackpoint><Time>{_iso(run["start"], run["time"][i])}</Time>'
            f'<Position><LatitudeDegrees>{run["lat"][i]:.8f}'
            f'</LatitudeDegrees><LongitudeDegrees>{run["lon"][i]:.8f}'
            f'</LongitudeDegrees></Position>'
            f'<AltitudeMeters>{run["altitude"][i]:.3f}</AltitudeMeters>'
            f'<DistanceMeters>{run["distance"][i]:.3f}</DistanceMeters>'
            f'<HeartRateBpm><Value>{int(run["hr"][i])}</Value>'
            f'</HeartRateBpm><Extensions><ns3:TPX><ns3:Speed>'
            f'{run["speed"][i]:.4f}</ns3:Speed></ns3:TPX></Extensions>'
            f'</Trackpoint>')
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2" xmlns:ns3="http://www.garmin.com/'
        'xmlschemas/ActivityExtension/v2">'
        f'<Activities><Activity Sport="Running"><Id>'
        f'{_iso(run["start"], 0)}</Id><Lap StartTime="'
        f'{_iso(run["start"], 0)}"><TotalTimeSeconds>{run["time"][-1]:.0f}'
        f'</TotalTimeSeconds><DistanceMeters>{run["distance"][-1]:.1f}'
        f'</DistanceMeters><Calories>0</Calories><Intensity>Active'
        f'</Intensity><TriggerMethod>Manual</TriggerMethod><Track>' +
        ''.join(points) +
        '</Track></Lap></Activity></Activities></TrainingCenterDatabase>\n')
    with open(path, 'w') as f:
        f.write(xml)


def write_fit(path, run: dict) -> None:
    """A FIT activity of record messages, encoded by fit_tool."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer

    start_ms = round(run['start'].timestamp() * 1000)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.time_created = start_ms
    file_id.serial_number = 0x12345678
    builder.add(file_id)
    records = []
    for i in range(len(run['time'])):
        record = RecordMessage()
        record.timestamp = start_ms + round(run['time'][i] * 1000)
        record.position_lat = float(run['lat'][i])
        record.position_long = float(run['lon'][i])
        record.distance = float(run['distance'][i])
        record.altitude = float(run['altitude'][i])
        record.speed = float(run['speed'][i])
        record.heart_rate = int(run['hr'][i])
        records.append(record)
    builder.add_all(records)
    builder.build().to_file(str(path))


def start_date(day: int) -> datetime:
    """Distinct start times, one day apart, in UTC."""
    return datetime(2025, 3, 1, 7, 30, tzinfo=timezone.utc) + timedelta(
        days=day)


__all__ = ['make_run', 'write_gpx', 'write_tcx', 'write_fit', 'start_date',
           'math']
