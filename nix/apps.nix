# The two apps.
#   bench  `nix run .#bench [-- --quick] [--out DIR]`: the study (full plan, or
#          the quick one), then the paper from its results, into DIR
#          (default ./benchlab-out): DIR/results/ and DIR/benchlab-paper.pdf.
#          Linux: native boxes (cgroups) on this machine.
#          macOS: the Linux images are loaded into Docker, and the study (the
#          orchestrator and the driver) runs in the benchlab-load container on
#          the VM's own network, beside the server/database containers, so no
#          request crosses Docker Desktop's port forwarding. The paper is then
#          typeset on the Mac.
#   paper  `nix run .#paper -- [RESULTS_DIR] [--out FILE]`: the paper from a
#          results directory (default: the committed results/reference).
{
  lib,
  stdenv,
  writeShellApplication,
  coreutils,
  findutils,
  gnugrep,
  gnused,
  gnuplot,
  docker-client,
  programs,
  tex,
  images,
  src,
  sourceDateEpoch,
}:
let
  workdir = import ./workdir.nix {
    inherit src;
    inherit (programs) lab;
  };

  # What ci/bench.sh and ci/paper.sh call (GNU tools, also on macOS).
  paperTools = [
    programs.lab
    coreutils
    findutils
    gnugrep
    gnused
    gnuplot
    tex
  ];

  # Typesets the paper from "$results" (absolute, or relative to the working
  # copy) into "$pdf" (absolute).
  typeset = ''
    (
      ${workdir}
      cd "$work"
      BUILD=build-nix SOURCE_DATE_EPOCH=${toString sourceDateEpoch} FORCE_SOURCE_DATE=1 \
        RESULTS="$results" bash ci/paper.sh
      cp paper/main.pdf "$pdf"
    )
  '';

  # Arguments shared by both bench flavours.
  benchArgs = ''
    usage() {
      echo "usage: nix run .#bench [-- [--quick] [--out DIR]]"
      echo "  runs the study (the quick plan with --quick) and typesets the paper;"
      echo "  writes DIR/results/ and DIR/benchlab-paper.pdf (DIR defaults to ./benchlab-out)"
    }
    quick=0
    out=benchlab-out
    while [ $# -gt 0 ]; do
      case "$1" in
        --quick) quick=1 ;;
        --out)
          [ $# -ge 2 ] || { echo "bench: --out needs a directory" >&2; exit 2; }
          out=$2
          shift
          ;;
        -h | --help) usage; exit 0 ;;
        *) echo "bench: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
      esac
      shift
    done
    mkdir -p "$out/results"
    out=$(cd "$out" && pwd)
    results=$out/results
    pdf=$out/benchlab-paper.pdf
  '';

  linuxBench = writeShellApplication {
    name = "benchlab-bench";
    runtimeInputs = paperTools;
    text = ''
      ${benchArgs}
      (
        ${workdir}
        cd "$work"
        # ci/bench.sh runs the study and then the paper; here the paper is
        # typeset below from the same results, with the pinned dates.
        BUILD=build-nix QUICK=$quick RESULTS="$results" SKIP_PAPER=1 bash ci/bench.sh
      )
      ${typeset}
      echo "bench: results in $results, paper in $pdf"
    '';
  };

  # On macOS: the images are aarch64-linux tarballs (a linux builder made them).
  darwinBench = writeShellApplication {
    name = "benchlab-bench";
    runtimeInputs = paperTools ++ [ docker-client ];
    text = ''
      ${benchArgs}
      for image in ${
        lib.concatMapStringsSep " " (n: images.${n}) [
          "image-postgres"
          "image-redis"
          "image-server"
          "image-fastapi"
          "image-express"
          "image-load"
        ]
      }; do
        docker load -i "$image"
      done
      # The study container drives sibling containers through the VM's Docker
      # socket; all of them share the VM's network (host mode inside the VM).
      # WORK is a directory of the VM (not shared with the Mac: PostgreSQL's
      # data stays on the VM's disk); it and the results are mounted at the same
      # path as the daemon sees them, so the containers the study starts can
      # mount what it writes there.
      quick_flag=()
      [ "$quick" = 1 ] && quick_flag=(--quick)
      vm_work=/var/lib/benchlab-work
      # The VM's process and cgroup namespaces (read-only cgroupfs): benchlab
      # reads each sibling container's CPU, throttling and memory from its
      # cgroup through /proc/<pid>/cgroup; without them the run files would
      # say the box statistics are unavailable.
      docker run --rm --network host --pid host --cgroupns host \
        -v /sys/fs/cgroup:/sys/fs/cgroup:ro \
        -v /var/run/docker.sock:/var/run/docker.sock \
        -v "$vm_work:$vm_work" -e TMPDIR="$vm_work" \
        -v "$results:$results" -e RESULTS="$results" \
        benchlab-load:latest benchlab-study "''${quick_flag[@]}"
      ${typeset}
      echo "bench: results in $results, paper in $pdf"
    '';
  };

  paper = writeShellApplication {
    name = "benchlab-paper";
    runtimeInputs = paperTools;
    text = ''
      usage() {
        echo "usage: nix run .#paper -- [RESULTS_DIR] [--out FILE]"
        echo "  typesets the paper from RESULTS_DIR (default: the committed results/reference)"
        echo "  into FILE (default ./benchlab-paper.pdf)"
      }
      results=""
      pdf=benchlab-paper.pdf
      while [ $# -gt 0 ]; do
        case "$1" in
          --out)
            [ $# -ge 2 ] || { echo "paper: --out needs a file" >&2; exit 2; }
            pdf=$2
            shift
            ;;
          -h | --help) usage; exit 0 ;;
          -*) echo "paper: unknown option '$1'" >&2; usage >&2; exit 2 ;;
          *)
            [ -z "$results" ] || { echo "paper: one results directory only" >&2; exit 2; }
            results=$1
            ;;
        esac
        shift
      done
      if [ -z "$results" ]; then
        results=results/reference # the working copy's, so the summaries can be written
      elif [ ! -d "$results" ]; then
        echo "paper: no results directory '$results'" >&2
        exit 2
      else
        results=$(cd "$results" && pwd)
      fi
      mkdir -p "$(dirname "$pdf")"
      pdf=$(cd "$(dirname "$pdf")" && pwd)/$(basename "$pdf")
      ${typeset}
      echo "paper: $pdf"
    '';
  };
in
{
  bench = if stdenv.hostPlatform.isDarwin then darwinBench else linuxBench;
  inherit paper;
}
