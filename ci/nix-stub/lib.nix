# The part of nixpkgs' lib the flake uses, with the same names, arguments and
# results. Anything else is missing on purpose (an "attribute missing" error).
let
  inherit (builtins)
    concatStringsSep
    elem
    filter
    isAttrs
    isList
    isPath
    listToAttrs
    pathExists
    stringLength
    substring
    ;

  hasPrefix = pref: str: substring 0 (stringLength pref) str == pref;
  hasSuffix =
    suffix: content:
    let
      lenContent = stringLength content;
      lenSuffix = stringLength suffix;
    in
    lenContent >= lenSuffix && substring (lenContent - lenSuffix) lenContent content == suffix;

  any = builtins.any;
  concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);
  optionals = cond: elems: if cond then elems else [ ];
  optionalAttrs = cond: as: if cond then as else { };
  optionalString = cond: string: if cond then string else "";
  genAttrs =
    names: f:
    listToAttrs (
      map (n: {
        name = n;
        value = f n;
      }) names
    );
  fix =
    f:
    let
      x = f x;
    in
    x;

  versionOlder = v1: v2: builtins.compareVersions v2 v1 == 1;
  licenses = {
    mit = {
      spdxId = "MIT";
      shortName = "mit";
      fullName = "MIT License";
      free = true;
    };
    unfree = {
      shortName = "unfree";
      fullName = "Unfree";
      free = false;
      redistributable = false;
    };
    mpl20 = {
      spdxId = "MPL-2.0";
      fullName = "Mozilla Public License 2.0";
      free = true;
    };
  };

  getOutput = output: pkg: pkg.${output} or pkg.out or pkg;
  getBin = getOutput "bin";
  makeBinPath =
    pkgs: concatStringsSep ":" (map (p: "${getBin p}/bin") (filter (p: p != null) pkgs));

  # Real nixpkgs warns and falls back to the package name; the stand-in is
  # stricter and requires meta.mainProgram, which the flake always sets.
  getExe =
    x:
    if x ? meta.mainProgram then
      "${getBin x}/bin/${x.meta.mainProgram}"
    else
      throw "lib.getExe: ${x.name or "<value>"} has no meta.mainProgram (the flake must set it)";

  # lib.sources.cleanSource: drops version control, result links, objects and
  # editor leftovers.
  cleanSourceFilter =
    name: type:
    let
      base = baseNameOf (toString name);
    in
    !(
      (type == "directory" && elem base [ ".git" ".svn" ".hg" "CVS" ])
      || hasSuffix "~" base
      || builtins.match "^\\.sw[a-z]$" base != null
      || builtins.match "^\\..*\\.sw[a-z]$" base != null
      || hasSuffix ".o" base
      || hasSuffix ".so" base
      || (type == "symlink" && hasPrefix "result" base)
      || (type == "unknown")
    );
  cleanSource =
    src:
    if !(isPath src) then
      throw "lib.cleanSource: expects a path, got ${builtins.typeOf src}"
    else
      builtins.path {
        name = "source";
        path = src;
        filter = cleanSourceFilter;
      };

  # lib.fileset: unions of existing paths, turned into a store path by toSource.
  isFileset = x: isAttrs x && x._type or null == "fileset";
  toFileset =
    ctx: i: x:
    if isFileset x then
      x
    else if isPath x then
      if pathExists x then
        {
          _type = "fileset";
          paths = [ (toString x) ];
        }
      else
        throw "${ctx}: Element ${toString i} (${toString x}) is a path that does not exist."
    else
      throw "${ctx}: Element ${toString i} is of type ${builtins.typeOf x}, but it should be a file set or a path instead.";
  fileset = {
    unions =
      list:
      if !(isList list) then
        throw "lib.fileset.unions: Argument is of type ${builtins.typeOf list}, but it should be a list instead."
      else
        {
          _type = "fileset";
          paths = builtins.concatLists (
            builtins.genList (i: (toFileset "lib.fileset.unions" i (builtins.elemAt list i)).paths) (
              builtins.length list
            )
          );
        };
    maybeMissing =
      path:
      if pathExists path then
        {
          _type = "fileset";
          paths = [ (toString path) ];
        }
      else
        {
          _type = "fileset";
          paths = [ ];
        };
    toSource =
      {
        root,
        fileset,
      }:
      let
        fs = toFileset "lib.fileset.toSource: `fileset`" 0 fileset;
        r = toString root;
        outside = filter (p: !(p == r || hasPrefix (r + "/") p)) fs.paths;
        wanted =
          path: type:
          any (
            p: path == p || hasPrefix (p + "/") path || (type == "directory" && hasPrefix (path + "/") p)
          ) fs.paths;
      in
      if !(isPath root) then
        throw "lib.fileset.toSource: `root` is of type ${builtins.typeOf root}, but it should be a path instead."
      else if outside != [ ] then
        throw "lib.fileset.toSource: `fileset` contains a file that cannot be added to the store: ${builtins.head outside}\n    This file is not under the `root` (${r})."
      else
        builtins.path {
          name = "source";
          path = root;
          filter = wanted;
        };
  };

  # Systems as nixpkgs' lib.platforms lists them (the ones the flake can meet).
  platforms = {
    linux = [
      "aarch64-linux"
      "armv6l-linux"
      "armv7l-linux"
      "i686-linux"
      "powerpc64le-linux"
      "riscv64-linux"
      "x86_64-linux"
    ];
    darwin = [
      "aarch64-darwin"
      "x86_64-darwin"
    ];
  };
  platformsWithUnix = platforms // {
    unix = platforms.linux ++ platforms.darwin;
    all = platforms.linux ++ platforms.darwin;
  };
in
{
  inherit
    any
    cleanSource
    concatMapStringsSep
    fileset
    fix
    genAttrs
    getBin
    getExe
    getOutput
    hasPrefix
    hasSuffix
    makeBinPath
    optionalAttrs
    optionals
    optionalString
    versionOlder
    licenses
    ;
  platforms = platformsWithUnix;
}
