#!/bin/bash
# Container health check: GET /q/health/ready on the collector's management port and succeed on
# 200 only. Uses bash's /dev/tcp so that the JRE image needs no curl.
exec 3<>/dev/tcp/127.0.0.1/9000 || exit 1
printf 'GET /q/health/ready HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r -t 4 status <&3 || exit 1
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) exit 1 ;;
esac
