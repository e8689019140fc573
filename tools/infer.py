"""Predict with a trained model on new files of its family.

    python tools/infer.py CONFIG CHECKPOINT INPUT [INPUT ...] --out out.csv
        [--per-window] [--plot DIR] [--skip-bad] [--batch-size 32]
        [--window N] [--hop N] [--sample-rate HZ] [--frames-dir DIR]
        [--boxes FILE] [--data-root DIR] [--step-seconds S]
    python tools/infer.py CONFIG INPUT [INPUT ...] --checkpoints A.pth B.pth
        [--configs CONFIG_A CONFIG_B] --out out.csv     # an ensemble
    python tools/infer.py --onnx model.onnx [--onnx b.onnx] INPUT [INPUT ...]
        --out out.csv                                   # onnxruntime

INPUT: the family's files, or folders searched recursively for them:
kaggle_pose keypoint CSVs and KTH-style .npz; butppg .npz of windows, or
long recordings (.npz / CSV) cut into windows every --hop samples;
apple_watch FIT / TCX / GPX workouts (converted on the fly with the training
run's scaler) and .pt files; thermal .h5 recordings (sliding windows of
--window frames every --hop, default the config's clip and 16) or an
annotation JSON (the windows it names); ava_custom an annotation JSON of
keyframes (+ --boxes person boxes). They are read by the training datasets'
readers and cut into the test set's windows.

--out: .csv, one row per file (``file, pred_label, pred_class, score,
num_windows, prob_<class>...``; apple_watch ``file, steps, duration_s,
mean_pred_hr, mae_bpm``; ava_custom one per person and keyframe, plus
AlphAction's predictions CSV beside it, ``<out>_ava.csv``); with
--per-window one row per window (``start_<unit>``, ``end_<unit>``) or time
step (``time_s, pred_hr, hr``). .json: the records nested, with a summary.

--checkpoints: an ensemble, the mean of the members' probabilities (each
member's file probabilities aggregated from its own windows first); the
members' configs (CONFIG, or one per member with --configs) must agree on
classes and inputs. --onnx: the exported model(s) and the JSON sidecar
tools/deployment/export_onnx.py writes beside each; no torch model is
built. An unreadable input stops with an error naming the file and the
field; --skip-bad warns and goes on. The last line is a summary.
"""
import argparse
import os
import os.path as osp
import sys
import time

from mmengine.config import DictAction


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='\n'.join(__doc__.split('\n')[1:]))
    parser.add_argument(
        'paths', nargs='+', metavar='PATH',
        help='CONFIG CHECKPOINT INPUT...; CONFIG INPUT... with '
        '--checkpoints; INPUT... with --onnx')
    parser.add_argument('--out', required=True,
                        help='results file, .csv or .json')
    parser.add_argument('--per-window', action='store_true',
                        help='one row per window / time step')
    parser.add_argument('--checkpoints', nargs='+',
                        help='an ensemble of these checkpoints')
    parser.add_argument('--configs', nargs='+',
                        help='one config per --checkpoints member (default: '
                        'CONFIG for all)')
    parser.add_argument('--onnx', action='append',
                        help='an exported model with its sidecar; repeat '
                        'for an ensemble (--onnx a.onnx --onnx b.onnx)')
    parser.add_argument('--plot', metavar='DIR',
                        help='a timeline PNG per input with several windows')
    parser.add_argument('--skip-bad', action='store_true',
                        help='warn about unreadable inputs and go on')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--threads', type=int,
                        help='intra-op threads (torch and onnxruntime)')
    parser.add_argument('--quiet', action='store_true',
                        help='no progress bar')
    family = parser.add_argument_group('family options')
    family.add_argument('--window', type=int,
                        help='thermal: frames per sliding window (default: '
                        'the config\'s clip)')
    family.add_argument('--hop', type=int,
                        help='thermal: frames between windows (16); butppg: '
                        'samples between recording windows (one window)')
    family.add_argument('--sample-rate', type=float,
                        help='butppg: Hz of recordings that do not say')
    family.add_argument('--frames-dir',
                        help='thermal: recordings of an annotation JSON '
                        '(default <json>/../frames)')
    family.add_argument('--class-mapping',
                        help='thermal: class_mapping.json, for checkpoints '
                        'without class names')
    family.add_argument('--boxes', help='ava_custom: person box file')
    family.add_argument('--data-root',
                        help='ava_custom: folder with clips/ (default: the '
                        'annotation JSON\'s parent folder)')
    family.add_argument('--step-seconds', type=float,
                        help='apple_watch: grid of converted workouts '
                        '(default: the training scaler\'s, else 10)')
    family.add_argument('--max-gap', type=float,
                        help='apple_watch: longer pauses (s) become one step')
    family.add_argument('--scaler',
                        help='apple_watch: scaler_params.json of the training '
                        'data, for checkpoints that do not carry it')
    family.add_argument('--fill-missing-altitude', action='store_true',
                        help='apple_watch: flat profile without altitude')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, key=value')
    args = parser.parse_args(argv)
    if args.onnx:
        if args.checkpoints or args.configs:
            parser.error('--onnx takes no config or checkpoints')
        args.configs, args.inputs = [], args.paths
    elif args.checkpoints:
        args.inputs = args.paths[1:]
        args.configs = args.configs or [args.paths[0]] * len(
            args.checkpoints)
        if len(args.configs) != len(args.checkpoints):
            parser.error(f'--configs names {len(args.configs)} configs for '
                         f'{len(args.checkpoints)} --checkpoints')
    else:
        if len(args.paths) < 3:
            parser.error('give CONFIG CHECKPOINT INPUT [INPUT ...] (or '
                         '--checkpoints / --onnx)')
        args.configs = [args.paths[0]]
        args.checkpoints = [args.paths[1]]
        args.inputs = args.paths[2:]
    if not args.inputs:
        parser.error('no INPUT given')
    return args


def family_options(args: argparse.Namespace) -> dict:
    """The family options given on the command line."""
    names = dict(window='window', hop='hop', sample_rate='sample_rate',
                 frames_dir='frames_dir', boxes='boxes',
                 class_mapping='class_mapping',
                 data_root='data_root', step_seconds='step_seconds',
                 max_gap='max_gap', scaler='scaler')
    options = {key: getattr(args, attr) for key, attr in names.items()
               if getattr(args, attr) is not None}
    if args.fill_missing_altitude:
        options['fill_missing_altitude'] = True
    return options


def load_models(args: argparse.Namespace) -> list:
    from ftplugin.apis import init_model, init_onnx_model
    if args.onnx:
        return [init_onnx_model(path, threads=args.threads)
                for path in args.onnx]
    return [init_model(config, checkpoint, args.device, args.cfg_options)
            for config, checkpoint in zip(args.configs, args.checkpoints)]


def plot_record(record: dict, predictor, out_dir: str):
    """The timeline PNG of one record with several windows, or None."""
    from ftplugin.visualization import (plot_class_timeline,
                                        plot_heart_rate_timeline,
                                        timeline_name)
    windows = record.get('windows') or []
    # a long input: windows at two places at least (the windows of a file
    # shorter than one window all start at its first frame)
    places = {(w['start'], w['end']) if 'start' in w else
              w.get('window', w.get('step')) for w in windows}
    if len(places) < 2:
        return None
    out_file = osp.join(out_dir, timeline_name(record['file']))
    if predictor.spec['family'] == 'apple_watch':
        return plot_heart_rate_timeline(record, out_file)
    return plot_class_timeline(
        record, predictor.classes or [
            f'class_{i}' for i in range(len(record['probs']))], out_file,
        predictor.window_unit, predictor.spec.get('positive_class'))


def main(argv=None) -> int:
    args = parse_args(argv)
    import ftplugin  # noqa: F401  (compat patches + registrations)
    from ftplugin.apis import build_predictor, iter_predictions
    from ftplugin.apis.predictors import ModelMismatchError
    from ftplugin.apis.inference_results import (summary_line,
                                                 write_ava_csv,
                                                 write_results)
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    try:
        models = load_models(args)
        predictor = build_predictor(
            models, args.batch_size, args.per_window or bool(args.plot),
            **family_options(args))
        files = predictor.find_files(args.inputs)
    except (OSError, ValueError, RuntimeError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    if args.plot:
        os.makedirs(args.plot, exist_ok=True)
    records, skipped, plots = [], [], 0
    start = time.perf_counter()
    try:
        for _, found, error in iter_predictions(
                predictor, files, args.skip_bad, progress=not args.quiet):
            if error:
                skipped.append(error)
                print(f'warning: skipped {error}', file=sys.stderr)
            records += found
    except ModelMismatchError as err:  # no file would do: not skipped
        print(f'error: {err}', file=sys.stderr)
        return 1
    except ValueError as err:  # an InferenceInputError, named
        print(f'error: {err}\n(--skip-bad skips unreadable inputs)',
              file=sys.stderr)
        return 1
    seconds = time.perf_counter() - start
    if args.plot:
        plots = sum(plot_record(r, predictor, args.plot) is not None
                    for r in records)
    windows = sum(int(r.get('num_windows', 1)) for r in records)
    summary = dict(files=len(files) - len(skipped), records=len(records),
                   windows=windows, seconds=seconds,
                   windows_per_s=windows / max(seconds, 1e-9),
                   files_per_s=(len(files) - len(skipped)) /
                   max(seconds, 1e-9),
                   skipped=len(skipped), skipped_files=skipped)
    spec = dict(predictor.spec, sources=[
        dict(config=m.inference_spec.get('config'),
             checkpoint=m.inference_spec.get('checkpoint'),
             onnx=getattr(m, 'onnx_file', None)) for m in models])
    if not args.per_window:
        for r in records:
            r.pop('windows', None)
    write_results(args.out, records, spec, args.per_window,
                  predictor.window_unit, summary)
    print(f'written: {args.out}')
    if spec['family'] == 'ava_custom':
        ava = osp.splitext(args.out)[0] + '_ava.csv'
        write_ava_csv(ava, records, spec.get('category_ids'))
        print(f'written: {ava} (AlphAction predictions CSV)')
    if args.plot:
        print(f'timelines: {plots} PNG(s) in {args.plot}')
    print(summary_line(summary))
    return 0


if __name__ == '__main__':
    sys.exit(main())
