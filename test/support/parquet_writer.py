"""Writes a Parquet file with pyarrow, the writer seed 003's Python code used: the tests' independent
source of Parquet files for `refinery tournament import`. Reads one JSON object on stdin:
{"path": ..., "compression": "snappy", "columns": [[name, type], ...], "data": {name: [values]}},
type one of int32, int64, float64, string, bool; null values stay null."""
import json
import sys

import pyarrow as pa
import pyarrow.parquet as pq

TYPES = {"int32": pa.int32(), "int64": pa.int64(), "float64": pa.float64(), "string": pa.string(), "bool": pa.bool_()}

spec = json.load(sys.stdin)
table = pa.table({name: pa.array(spec["data"][name], type=TYPES[kind]) for name, kind in spec["columns"]})
pq.write_table(table, spec["path"], compression=spec.get("compression", "snappy"), row_group_size=spec.get("row_group_size"))
print(table.num_rows)
