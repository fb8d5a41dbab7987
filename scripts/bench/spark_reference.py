#!/usr/bin/env python3
"""The Spark training pipeline of `penguins train --engine sc://...`, written in PySpark, as the
reference for its speed: the same Spark Connect server, the same plans.

JDBC read of the warehouse (one partition per island), complete rows, species label in the
Swift model's class order, cache, VectorAssembler, seeded 80/20 randomSplit, StandardScaler
(mean and standard deviation), RandomForestClassifier (numTrees 20, maxDepth 5, maxBins 32,
seed 42), accuracy and per-label F1 with MulticlassClassificationEvaluator, and the scaler and
forest saved on the cluster.

    python scripts/bench/spark_reference.py --spark sc://127.0.0.1:15002 \
        --warehouse 'postgres://penguins:penguins@127.0.0.1:5433/penguins?sslmode=disable&schema=bench' \
        --model-dir /tmp/spark-models --runs 3

Needs pyspark with its Connect client (`pip install 'pyspark[connect]==4.3.0'`; the virtual
environment that scripts/services.sh creates has it). Prints one JSON line per run and the median.
"""
import argparse
import json
import statistics
import time
import uuid
from urllib.parse import parse_qs, unquote, urlparse

LABELS = ["Adelie", "Chinstrap", "Gentoo"]
FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
ISLANDS = ["Biscoe", "Dream", "Torgersen"]


def jdbc(warehouse):
    """The JDBC URL, properties and table of a postgres:// warehouse URL."""
    url = urlparse(warehouse)
    query = parse_qs(url.query)
    schema = query.get("schema", [None])[0]
    sslmode = query.get("sslmode", ["prefer"])[0]
    jdbc_url = f"jdbc:postgresql://{url.hostname}:{url.port or 5432}{url.path}?sslmode={sslmode}&reWriteBatchedInserts=true"
    if schema:
        jdbc_url += f"&currentSchema={schema}"
    properties = {"user": unquote(url.username or ""), "password": unquote(url.password or ""),
                  "driver": "org.postgresql.Driver", "fetchsize": "10000"}
    table = f"{schema}.warehouse" if schema else "warehouse"
    return jdbc_url, properties, table


def train(args):
    from pyspark.ml.classification import RandomForestClassifier
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    from pyspark.ml.feature import StandardScaler, VectorAssembler
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    start = time.perf_counter()
    spark = SparkSession.builder.remote(args.spark).create()
    version = spark.version
    spark.conf.set("spark.sql.shuffle.partitions", "4")
    jdbc_url, properties, table = jdbc(args.warehouse)
    quoted = ", ".join(f"'{island}'" for island in ISLANDS)
    predicates = [f"island = '{island}'" for island in ISLANDS] + [f"island NOT IN ({quoted})"]
    rows = spark.read.jdbc(jdbc_url, table, predicates=predicates, properties=properties)
    complete = F.col(FEATURES[0]).isNotNull()
    for feature in FEATURES[1:]:
        complete = complete & F.col(feature).isNotNull()
    label = (F.array_position(F.array(*[F.lit(name) for name in LABELS]), F.col("species")) - 1).cast("double")
    data = rows.filter(complete).select("penguin_id", "island", "species", *FEATURES, label.alias("label"))
    assembled = VectorAssembler(inputCols=FEATURES, outputCol="raw_features", handleInvalid="error").transform(data)
    assembled.schema  # resolves the plan (the JDBC schema query), as the Swift client does
    data.persist()
    train_rows, test_rows = assembled.randomSplit([1 - args.test_fraction, args.test_fraction], seed=args.seed)
    scaler = StandardScaler(inputCol="raw_features", outputCol="features", withMean=True, withStd=True).fit(train_rows)
    forest = RandomForestClassifier(
        featuresCol="features", labelCol="label", numTrees=args.num_trees, maxDepth=args.max_depth,
        maxBins=args.max_bins, seed=args.seed,
    ).fit(scaler.transform(train_rows))
    predictions = forest.transform(scaler.transform(test_rows))
    evaluator = MulticlassClassificationEvaluator(labelCol="label", predictionCol="prediction")
    accuracy = evaluator.setMetricName("accuracy").evaluate(predictions)
    f1 = [evaluator.setMetricName("fMeasureByLabel").setMetricLabel(float(i)).evaluate(predictions) for i in range(len(LABELS))]
    path = f"{args.model_dir.rstrip('/')}/reference-{uuid.uuid4().hex[:8]}"
    scaler.write().overwrite().save(path + "/scaler")
    forest.write().overwrite().save(path + "/forest")
    data.unpersist()
    seconds = time.perf_counter() - start
    spark.stop()
    return {"spark_version": version, "seconds": seconds, "accuracy": accuracy,
            "macro_f1": sum(f1) / len(f1), "model_path": path}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spark", required=True, help="sc://HOST:PORT")
    parser.add_argument("--warehouse", required=True, help="postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=...&schema=...")
    parser.add_argument("--model-dir", required=True, help="folder on the cluster's file system for the saved models")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--num-trees", type=int, default=20)
    parser.add_argument("--max-depth", type=int, default=5)
    parser.add_argument("--max-bins", type=int, default=32)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--test-fraction", type=float, default=0.2)
    args = parser.parse_args()
    times = []
    for run in range(args.runs):
        result = train(args)
        times.append(result["seconds"])
        print(json.dumps({"run": run + 1, **result}), flush=True)
    print(json.dumps({"median_seconds": statistics.median(times), "runs": times}))


if __name__ == "__main__":
    main()
