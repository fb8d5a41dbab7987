#!/bin/bash
# Runs the Spark Connect server in the foreground on port 15002 of every address of the
# container, with SPARK_MASTER (default local[2]) and SPARK_DRIVER_MEMORY (default 1g).
set -euo pipefail
export SPARK_HOME
SPARK_HOME=$(/opt/pyspark/bin/python -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
jdbc=/usr/share/java/postgresql.jar
exec "$SPARK_HOME/bin/spark-submit" --class org.apache.spark.sql.connect.service.SparkConnectServer \
  --name penguins-spark-connect --master "${SPARK_MASTER:-local[2]}" \
  --driver-memory "${SPARK_DRIVER_MEMORY:-1g}" \
  --jars "$jdbc" --driver-class-path "$jdbc" \
  --conf spark.connect.grpc.binding.address=0.0.0.0 \
  --conf spark.connect.grpc.binding.port=15002 \
  --conf spark.ui.enabled=false \
  --conf spark.local.dir=/spark/work \
  --conf spark.sql.warehouse.dir=/spark/warehouse \
  --conf spark.driver.extraJavaOptions=-Dderby.system.home=/spark \
  "$@"
