# libjwt with the 1.x API (jwt_new, jwt_add_grant, jwt_encode_str, jwt_decode)
# benchlab-server is written against: Debian 12 ships 1.10. Recent nixpkgs moved
# libjwt to 3.x, whose API is a different one (jwt_builder/jwt_checker). So the
# pinned nixpkgs' libjwt is used when it is 1.x, and 1.18.1 is built here
# otherwise (nixpkgs' own recipe for that release: autotools, jansson, OpenSSL).
{
  lib,
  stdenv,
  fetchFromGitHub,
  autoreconfHook,
  pkg-config,
  jansson,
  openssl,
  libjwt,
}:
if lib.versionOlder libjwt.version "2" then
  libjwt
else
  stdenv.mkDerivation (finalAttrs: {
    pname = "libjwt";
    version = "1.18.1";
    src = fetchFromGitHub {
      owner = "benmcollins";
      repo = "libjwt";
      rev = "v${finalAttrs.version}";
      hash = "sha256-0gFMeSW4gfbI6MUctcN8UuKhMDswaT8BzHTV2VuwZzc=";
    };
    nativeBuildInputs = [
      autoreconfHook
      pkg-config
    ];
    buildInputs = [
      jansson
      openssl
    ];
    meta = {
      description = "JWT C library, the 1.x API";
      homepage = "https://github.com/benmcollins/libjwt";
      license = lib.licenses.mpl20;
      platforms = lib.platforms.all;
    };
  })
