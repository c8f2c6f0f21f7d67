"""The deployment files: each one fits the code (settings that exist, paths and ports that
match, probes that answer) and the commands they run work on a real `briefbot` process.

No container runtime runs here, so the image itself is not built: the Dockerfile's
instructions are read, and its health check, the Kubernetes probes and the init container's
command are run against a real process configured from the ConfigMap.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.config import Settings, parse_config
from testkit.slack_api import FakeSlack
from tests.databases import PG_DSN, database
from tests.helpers.settings import LLM_VARS, setting_names

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# Environment names the files set for Python or the OS rather than for briefbot.
NOT_SETTINGS = {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "HOME"}


# ------------------------------------------------------------------------------ Dockerfile


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions, (KEYWORD, rest), continuation lines joined, per stage."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        if raw.lstrip().startswith("#") or not raw.strip():
            continue
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        lines.append(pending + raw.strip())
        pending = ""
    stages: list[list[tuple[str, str]]] = []
    for line in lines:
        keyword, _, rest = line.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        stages[-1].append((keyword.upper(), rest.strip()))
    return stages


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in dockerfile_stages()[-1]:
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def instruction(stage: list[tuple[str, str]], keyword: str) -> list[str]:
    return [rest for k, rest in stage if k == keyword]


def healthcheck_command() -> list[str]:
    """The HEALTHCHECK's command, in exec form (no shell in between)."""
    (check,) = instruction(dockerfile_stages()[-1], "HEALTHCHECK")
    command = json.loads(check.split(" CMD ", 1)[1])
    assert isinstance(command, list)
    return [str(part) for part in command]


def test_dockerfile_builds_a_slim_non_root_image_with_a_health_check() -> None:
    stages = dockerfile_stages()
    assert len(stages) == 2, "a build stage and a runtime stage (no compilers in the image)"
    for stage in stages:
        assert re.fullmatch(r"python:3\.1[1-9]-slim( AS \w+)?", stage[0][1]), stage[0]
    build, final = stages
    runs = " && ".join(instruction(build, "RUN"))
    assert runs.index("install --upgrade pip") < runs.index("pip install ."), "pip upgraded first"
    copied = {c.split()[0] for c in instruction(build, "COPY")}
    assert {"pyproject.toml", "bot/", "prompts/"} <= copied, "prompts and migrations inside"
    for source in copied:
        assert (ROOT / source).exists(), source
    (user,) = instruction(final, "USER")
    assert user.split(":")[0] not in {"0", "root"}
    assert "--uid " + user.split(":")[0] in " ".join(instruction(final, "RUN"))
    env = dockerfile_env()
    assert instruction(final, "EXPOSE") == [env["BRIEFBOT_PORT"]]
    assert "/healthz" in " ".join(healthcheck_command())
    assert instruction(final, "ENTRYPOINT") == ['["briefbot"]']
    assert instruction(final, "CMD") == ['["run"]']


def test_hadolint_passes_the_dockerfile() -> None:
    hadolint = shutil.which("hadolint", path=f"{Path(sys.executable).parent}{os.pathsep}")
    hadolint = hadolint or shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install -e '.[dev]')")
    lint = subprocess.run(
        [hadolint, "--no-color", "--failure-threshold", "info", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_dockerignore_keeps_secrets_and_bulk_out_of_the_build_context() -> None:
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".git", ".venv", "tests/", "data/"} <= ignored
    copied = {c.split()[0] for c in instruction(dockerfile_stages()[0], "COPY")}
    assert not copied & ignored, "the Dockerfile copies nothing the context leaves out"


# --------------------------------------------------------------------------- compose


def test_compose_runs_briefbot_against_postgres_with_secrets_from_dotenv() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"briefbot", "postgres"}
    app, db = services["briefbot"], services["postgres"]
    assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).is_file()
    assert app["env_file"] == "../.env", "secrets come from the .env beside .env.example"
    assert app["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "healthcheck" in db
    env = app["environment"]
    assert env["BRIEFBOT_DATABASE_URL"].startswith("postgresql://briefbot:")
    assert "@postgres:5432/briefbot" in env["BRIEFBOT_DATABASE_URL"]
    assert "${POSTGRES_PASSWORD" in env["BRIEFBOT_DATABASE_URL"], "no password in the file"
    assert not {n for n in env if n.startswith(("SLACK_", "MICROSOFT_"))}, "tokens stay in .env"
    mounts = {v.split(":")[1]: v.split(":")[0] for v in app["volumes"]}
    assert env["BRIEFBOT_CONFIG"] in mounts, "the topics file is mounted where settings say"
    assert f"{env['BRIEFBOT_PORT']}:{env['BRIEFBOT_PORT']}" in app["ports"]


# ------------------------------------------------------------------------------- k8s


def k8s_documents() -> dict[tuple[str, str], dict[str, Any]]:
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    files = sorted(p.name for p in (DEPLOY / "k8s").glob("*.yaml"))
    assert sorted([*kustomization["resources"], "kustomization.yaml"]) == files
    documents = {}
    for name in kustomization["resources"]:
        for doc in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text(encoding="utf-8")):
            documents[(doc["kind"], doc["metadata"]["name"])] = doc
    return documents


def test_k8s_deployment_two_replicas_with_probes_config_and_secrets_that_exist() -> None:
    docs = k8s_documents()
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    deployment = docs[("Deployment", "briefbot")]
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    assert spec["replicas"] == 2
    labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= labels.items()
    service = docs[("Service", "briefbot")]
    assert service["spec"]["selector"].items() <= labels.items()
    budget = docs[("PodDisruptionBudget", "briefbot")]["spec"]
    assert budget["selector"]["matchLabels"] == spec["selector"]["matchLabels"]

    env = docs[("ConfigMap", "briefbot-env")]["data"]
    (container,) = pod["containers"]
    (init,) = pod["initContainers"]
    assert container["args"] == ["run"] and init["args"] == ["migrate"]
    assert env["BRIEFBOT_MIGRATE"] == "false", "replicas never migrate behind the init container"
    (port,) = container["ports"]
    assert port["containerPort"] == int(env["BRIEFBOT_PORT"])
    assert service["spec"]["ports"][0]["targetPort"] == port["name"]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port["name"]}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port["name"]}

    for c in (container, init):
        assert c["image"] == "briefbot:latest"
        for source in c["envFrom"]:
            if "configMapRef" in source:
                assert ("ConfigMap", source["configMapRef"]["name"]) in docs
            else:  # made from .env by the command deploy/README.md gives
                name = source["secretRef"]["name"]
                assert f"kubectl create secret generic {name} --from-env-file=.env" in readme
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        # Everything the process writes is a volume: the data folder and /tmp.
        assert {env["BRIEFBOT_DATA_DIR"], "/tmp"} <= set(mounts)
        topics_dir, _, topics_file = env["BRIEFBOT_CONFIG"].rpartition("/")
        volume = next(v for v in pod["volumes"] if v["name"] == mounts[topics_dir])
        topics = docs[("ConfigMap", volume["configMap"]["name"])]["data"]
        assert topics_file in topics
    image_user = next(iter(instruction(dockerfile_stages()[-1], "USER"))).split(":")[0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert str(pod["securityContext"]["runAsUser"]) == image_user


def test_k8s_settings_are_real_settings_and_the_topics_file_parses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = k8s_documents()
    env = docs[("ConfigMap", "briefbot-env")]["data"]
    names = setting_names()
    assert set(env) <= names
    assert not [kind for kind, _ in docs if kind == "Secret"], "no secret is committed"
    assert not {n for n in env if n.startswith(("SLACK_", "MICROSOFT_"))}, "tokens stay in .env"
    for name in names:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.migrate is False and settings.log_format == "json"
    config = parse_config(docs[("ConfigMap", "briefbot-topics")]["data"]["briefbot.toml"])
    assert config.topics


def test_every_variable_the_deploy_files_set_is_a_setting() -> None:
    names = setting_names()
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    unit = systemd_unit()
    used = {
        "Dockerfile": set(dockerfile_env()) - NOT_SETTINGS,
        "docker-compose.yml": set(compose["services"]["briefbot"]["environment"]),
        "briefbot.service": {
            pair.split("=")[0] for pair in shlex.split(unit["Service"]["Environment"])
        },
    }
    for where, found in used.items():
        assert found <= names, f"{where} sets {sorted(found - names)}, which briefbot ignores"


# --------------------------------------------------------------------------- systemd


def systemd_unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "systemd" / "briefbot.service", encoding="utf-8")
    return unit


def test_systemd_unit_runs_briefbot_unprivileged_and_restarts_it(tmp_path: Path) -> None:
    unit = systemd_unit()
    service = unit["Service"]
    assert service["ExecStart"].endswith("/briefbot run")
    assert service["ExecStartPre"].endswith("/briefbot migrate")
    assert service["User"] == "briefbot" and service["NoNewPrivileges"] == "yes"
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"].startswith("/etc/briefbot/")
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # verify checks every directive; point the commands at this environment's briefbot.
    text = (DEPLOY / "systemd" / "briefbot.service").read_text(encoding="utf-8")
    copy = tmp_path / "briefbot.service"
    copy.write_text(text.replace("/opt/briefbot/bin/briefbot", briefbot_command()[0]))
    verify = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr


# ------------------------------------------------- the commands, on a real process


def briefbot_command() -> list[str]:
    script = Path(sys.executable).parent / "briefbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def wait_for_port(log: Path, proc: subprocess.Popen[bytes], timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"running \(\w+\) on port (\d+)", log.read_text(errors="replace"))
        if found:
            return int(found.group(1))
        assert proc.poll() is None, log.read_text(errors="replace")
        time.sleep(0.1)
    raise AssertionError("briefbot run did not start:\n" + log.read_text(errors="replace"))


def healthcheck(port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFBOT_PORT": str(port)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    program, *args = healthcheck_command()
    executable = shutil.which(program, path=env["PATH"])
    assert executable, program
    return subprocess.run([executable, *args], env=env, capture_output=True, text=True)


@pytest.mark.parametrize(
    "backend",
    [
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not PG_DSN, reason="BRIEFBOT_TEST_POSTGRES_DSN is not set"),
        ),
    ],
)
def test_k8s_pod_commands_and_probes_and_the_image_health_check_work(
    tmp_path: Path, backend: str
) -> None:
    docs = k8s_documents()
    pod = docs[("Deployment", "briefbot")]["spec"]["template"]["spec"]
    (container,), (init,) = pod["containers"], pod["initContainers"]
    topics = tmp_path / "briefbot.toml"
    (tmp_path / "press").mkdir()
    topics.write_text(
        '[[topics]]\nname = "steel"\ntitle = "Steel"\n[topics.query]\nmay = ["steel"]\n'
        '[[topics.sources]]\nkind = "folder"\npath = "press"\n'
        '[[topics.channels]]\nchannel = "C0DESK"\ntime = "08:30"\ntimezone = "UTC"\n',
        encoding="utf-8",
    )
    with database(backend, tmp_path) as url, FakeSlack() as slack:
        env = {k: v for k, v in os.environ.items() if k not in LLM_VARS}
        for name in setting_names():
            env.pop(name, None)
        env.update(docs[("ConfigMap", "briefbot-env")]["data"])
        # What the cluster would provide: the mounted paths, the secrets, a port of our own.
        env.update(
            BRIEFBOT_CONFIG=str(topics),
            BRIEFBOT_DATA_DIR=str(tmp_path),
            BRIEFBOT_HOST="127.0.0.1",
            BRIEFBOT_PORT="0",
            BRIEFBOT_DATABASE_URL=url,
            SLACK_BOT_TOKEN="xoxb-deploy-test",
            SLACK_SIGNING_SECRET="deploy-test-secret",
            BRIEFBOT_SLACK_API_URL=slack.api_url,
        )

        def briefbot(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*briefbot_command(), *args],
                env=env,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
            )

        # Without the init container, a replica refuses the empty database and says why,
        # in the JSON lines the ConfigMap asks for (every line of stderr is one).
        early = briefbot(*container["args"])
        assert early.returncode != 0
        records = [json.loads(line) for line in early.stderr.splitlines() if line.strip()]
        [refusal] = [r for r in records if r["level"] == "error"]
        assert refusal["message"].endswith("run `briefbot migrate` first")
        assert "Traceback" not in early.stderr

        migrated = briefbot(*init["args"])
        assert migrated.returncode == 0, migrated.stderr

        log = tmp_path / "run.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                [*briefbot_command(), *container["args"]],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=sink,
            )
        try:
            port = wait_for_port(log, proc)
            base = f"http://127.0.0.1:{port}"
            for probe in ("livenessProbe", "readinessProbe"):
                response = httpx.get(base + container[probe]["httpGet"]["path"], timeout=10)
                assert response.status_code == 200, (probe, response.text)
            assert httpx.get(base + "/metrics", timeout=10).status_code == 200
            check = healthcheck(port)
            assert check.returncode == 0, check.stderr
            # Stopped the way Kubernetes, Docker and systemd stop it, within the grace period.
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=pod["terminationGracePeriodSeconds"]) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert healthcheck(port).returncode != 0, "the health check fails once it is down"
        lines = log.read_text(errors="replace").splitlines()
        assert all(json.loads(line) for line in lines if line.strip())
        assert "xoxb-deploy-test" not in "\n".join(lines)
