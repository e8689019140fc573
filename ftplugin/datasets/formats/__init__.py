"""One reader/writer module per file format, named ``<source>_<content>_<ext>``
(e.g. ``kaggle_keypoint_csv``, ``thermal_coco_json``, ``apple_watch_pt``);
``checks`` holds what the readers share to report defects by file and field.
Plain functions, not registered: datasets, tools and the generators of
``ftplugin.testing`` import them, so all of them agree on one format."""
