/**
 * An OCI platform (`os/architecture[/variant]`) an image is built for.
 *
 * The known platforms carry what the renderers need: the GitHub-hosted runner that builds natively,
 * the Debian architecture and GNU triplet for cross-compiling.
 */
export class Platform {
  /** x86-64. Built natively on `ubuntu-24.04`. */
  public static readonly LINUX_AMD64 = new Platform('linux/amd64', 'amd64', 'x86_64-linux-gnu', 'ubuntu-24.04');
  /** 64-bit Arm, the usual in-vehicle SoC. Built natively on `ubuntu-24.04-arm`. */
  public static readonly LINUX_ARM64 = new Platform('linux/arm64', 'arm64', 'aarch64-linux-gnu', 'ubuntu-24.04-arm');
  /** 32-bit Arm v7 with hard float. No native GitHub runner: cross-compiled or emulated. */
  public static readonly LINUX_ARM_V7 = new Platform('linux/arm/v7', 'armhf', 'arm-linux-gnueabihf');
  /** 64-bit RISC-V. No native GitHub runner: cross-compiled or emulated. */
  public static readonly LINUX_RISCV64 = new Platform('linux/riscv64', 'riscv64', 'riscv64-linux-gnu');
  /** 64-bit POWER little endian. No native GitHub runner. */
  public static readonly LINUX_PPC64LE = new Platform('linux/ppc64le', 'ppc64el', 'powerpc64le-linux-gnu');
  /** IBM Z. No native GitHub runner. */
  public static readonly LINUX_S390X = new Platform('linux/s390x', 's390x', 's390x-linux-gnu');

  /** Every platform this library knows. */
  public static all(): Platform[] {
    return [Platform.LINUX_AMD64, Platform.LINUX_ARM64, Platform.LINUX_ARM_V7, Platform.LINUX_RISCV64, Platform.LINUX_PPC64LE, Platform.LINUX_S390X];
  }

  /** Finds a known platform by its id (`linux/arm64`), or returns undefined. */
  public static tryFind(id: string): Platform | undefined {
    const normalized = id === 'linux/arm64/v8' ? 'linux/arm64' : id === 'linux/arm' ? 'linux/arm/v7' : id;
    return Platform.all().find(p => p.id === normalized);
  }

  /** A known platform by id; throws listing the known ids otherwise. */
  public static of(id: string): Platform {
    const found = Platform.tryFind(id);
    if (!found) {
      throw new Error(`Unknown platform "${id}". Known platforms: ${Platform.all().map(p => p.id).join(', ')}.`);
    }
    return found;
  }

  /** `os/architecture[/variant]`, as in `--platform`. */
  public readonly id: string;
  /** Operating system, `linux`. */
  public readonly os: string;
  /** OCI architecture, e.g. `arm64`. */
  public readonly architecture: string;
  /** Architecture variant, e.g. `v7`. */
  public readonly variant?: string;
  /** Debian architecture name, e.g. `armhf`. */
  public readonly debianArchitecture: string;
  /** GNU target triplet for cross-compilers, e.g. `aarch64-linux-gnu`. */
  public readonly gnuTriplet: string;
  /** GitHub-hosted runner that builds this platform natively, if one exists. */
  public readonly nativeRunner?: string;

  private constructor(id: string, debianArchitecture: string, gnuTriplet: string, nativeRunner?: string) {
    const [os, architecture, variant] = id.split('/');
    this.id = id;
    this.os = os;
    this.architecture = architecture;
    this.variant = variant;
    this.debianArchitecture = debianArchitecture;
    this.gnuTriplet = gnuTriplet;
    this.nativeRunner = nativeRunner;
  }

  /** A name safe in file names, cache scopes and job ids, e.g. `linux-arm-v7`. */
  public get slug(): string {
    return this.id.replace(/\//g, '-');
  }
}
