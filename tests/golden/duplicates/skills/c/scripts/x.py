"""Python x."""
def main():
    pass
