# Sourced by scripts/bootstrap.sh (which defines log and apt_install): make libblas.so.3 and
# liblapack.so.3 an optimized BLAS.
#
# Debian's LibTorch links the generic libblas.so.3/liblapack.so.3, and libtorch-dev installed without
# recommends leaves them on Netlib's reference BLAS: float32 products about 20x slower (issue 14). When
# the selected alternative is the reference one, this installs OpenBLAS's OpenMP flavour (it shares
# LibTorch's libgomp threads and thread count instead of starting a pool of its own; measured against
# the pthread and serial flavours with scripts/bench/blas-flavour.mjs, see docs/benchmarks.md) and
# selects it with update-alternatives. An optimized BLAS already selected (OpenBLAS of any flavour, MKL,
# BLIS, ATLAS) is kept. Quick and silent apart from one line when nothing needs doing.
#
# Nothing is done for a LibTorch that does not link libblas.so.3 (PyTorch's own builds carry MKL inside).
# For the tests: BLAS_LIBDIR (default /usr/lib/<multiarch>), BLAS_TORCH_LIBDIR (default: the LibTorch
# that scripts/torch-config.cjs finds) and UPDATE_ALTERNATIVES (default update-alternatives) can point elsewhere.
BLAS_FLAVOUR=openblas-openmp
BLAS_PACKAGE=libopenblas0-openmp
BLAS_MA=$(g++ -print-multiarch 2>/dev/null || gcc -print-multiarch 2>/dev/null || true)
BLAS_LIBDIR=${BLAS_LIBDIR:-/usr/lib/$BLAS_MA}
UPDATE_ALTERNATIVES=${UPDATE_ALTERNATIVES:-update-alternatives}
BLAS_TORCH_LIBDIR=${BLAS_TORCH_LIBDIR:-$(node scripts/torch-config.cjs --json 2>/dev/null | node -e 'try { console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).libDir) } catch {}')}
# True when that LibTorch's libtorch_cpu needs libblas.so.3, or when that cannot be read (then act).
blas_torch_links() {
  local lib; lib=$(ls "$BLAS_TORCH_LIBDIR"/libtorch_cpu.so* 2>/dev/null | head -1)
  { [ -n "$lib" ] && command -v readelf >/dev/null; } || return 0
  case "$(readelf -d "$lib" 2>/dev/null)" in *"(NEEDED)"*"[libblas.so.3]"*) return 0 ;; *) return 1 ;; esac # no grep -q: pipefail
}
blas_is_reference() { case "$(readlink -f "$BLAS_LIBDIR/$1" 2>/dev/null)" in "$BLAS_LIBDIR/blas/"* | "$BLAS_LIBDIR/lapack/"*) return 0 ;; *) return 1 ;; esac; }

if [ -n "$BLAS_MA" ] && [ -e "$BLAS_LIBDIR/libblas.so.3" ] && command -v "$UPDATE_ALTERNATIVES" >/dev/null && blas_torch_links; then
  if blas_is_reference libblas.so.3 || blas_is_reference liblapack.so.3; then
    blas_was=$(readlink -f "$BLAS_LIBDIR/libblas.so.3")
    blas_dir="$BLAS_LIBDIR/$BLAS_FLAVOUR"
    blas_sudo=""; [ "$(id -u)" = 0 ] || blas_sudo="sudo -n"
    if { [ -e "$blas_dir/libblas.so.3" ] || apt_install "$BLAS_PACKAGE"; } &&
      $blas_sudo "$UPDATE_ALTERNATIVES" --quiet --set "libblas.so.3-$BLAS_MA" "$blas_dir/libblas.so.3" &&
      $blas_sudo "$UPDATE_ALTERNATIVES" --quiet --set "liblapack.so.3-$BLAS_MA" "$blas_dir/liblapack.so.3"; then
      log "BLAS: selected $blas_dir (was $blas_was)"
    else
      log "WARNING: LibTorch will multiply on the reference BLAS ($blas_was), about 20x slower. Possible solutions (as root):"
      log "  apt-get install $BLAS_PACKAGE"
      log "  update-alternatives --set libblas.so.3-$BLAS_MA $blas_dir/libblas.so.3"
      log "  update-alternatives --set liblapack.so.3-$BLAS_MA $blas_dir/liblapack.so.3"
    fi
  else
    log "BLAS: $(readlink -f "$BLAS_LIBDIR/libblas.so.3")"
  fi
fi
