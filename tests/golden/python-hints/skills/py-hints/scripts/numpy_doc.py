import sys


def main(name: str, count: int = 2):
    """Greet someone, NumPy style.

    Parameters
    ----------
    name : str
        Who to greet.
    count : int
        How often.
    """
    print(("hi " + name) * count)


if __name__ == "__main__":
    main(*sys.argv[1:])
