"""Names for the demo company's people, grouped by the language they come from.

A person's first and last name usually come from the same group (that reads
naturally); the mix of groups differs by office, as it does in a real company
with offices in Germany and the United States.
"""

import unicodedata

# group: (first names, last names)
NAME_GROUPS = {
    "german": (
        "Anna Lena Julia Katharina Sophie Laura Miriam Sabine Stefanie Franziska Johanna "
        "Lukas Jonas Felix Maximilian Tobias Florian Matthias Sebastian Jan Niklas Moritz "
        "Jürgen Andreas Henrik Carolin Theresa Leonie Philipp Dominik Benedikt",
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch "
        "Richter Bauer Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
        "Hartmann Lange Werner Krause Lehmann Köhler Huber Vogel Brandt Engel",
    ),
    "turkish": (
        "Ayşe Elif Zeynep Emine Selin Deniz Merve Esra Mehmet Mustafa Emre Burak Can Cem "
        "Kerem Serkan Oğuz Tolga",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Arslan Doğan Kılıç Aslan Koç Kurt "
        "Özdemir Polat",
    ),
    "polish": (
        "Agnieszka Katarzyna Magdalena Joanna Małgorzata Piotr Krzysztof Tomasz Paweł Michał "
        "Marcin Łukasz Kamil Zofia",
        # Surnames that are the same for everyone (no -ski/-ska pairs).
        "Nowak Wójcik Woźniak Mazur Krawczyk Kaczmarek Zając Król Wieczorek Pawlak Sikora "
        "Baran Kowalczyk Michalak Jaworek Dudek",
    ),
    "italian": (
        "Giulia Francesca Chiara Alessia Martina Marco Luca Matteo Alessandro Lorenzo Davide "
        "Simone Andrea Federico",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo "
        "Conti De Luca Costa Fontana",
    ),
    "spanish": (
        "María Lucía Carmen Isabel Sofía Valentina Alejandro Javier Diego Pablo Carlos Miguel "
        "Andrés Sergio Mateo Camila Daniela Gabriela José Luis",
        "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Díaz Torres "
        "Ramírez Flores Morales Herrera Castillo Ortiz Vargas Reyes Mendoza",
    ),
    "french": (
        "Camille Chloé Manon Léa Claire Mathilde Antoine Julien Nicolas Thomas Hugo Louis "
        "Théo Étienne",
        "Martin Bernard Dubois Durand Lefebvre Moreau Laurent Fournier Girard Bonnet Mercier "
        "Rousseau Blanc Faure",
    ),
    "nordic_dutch": (
        "Astrid Ingrid Freja Sanne Femke Lotte Erik Lars Nils Magnus Anders Bram Daan Sven",
        "Johansson Andersson Nilsson Larsen Hansen Lindqvist Berg Eriksen De Vries Jansen "
        "Bakker Visser Van Dijk Smit",
    ),
    "slavic": (
        "Olga Natalia Irina Yulia Daria Anastasia Dmitri Alexei Sergei Ivan Mikhail Oleksandr "
        "Andrii Nikola Milica Petra",
        # Ukrainian and South Slavic surnames, which do not change with gender.
        "Kovalenko Shevchenko Bondarenko Tkachenko Kravchenko Melnyk Boyko Moroz Lysenko "
        "Jovanović Petrović Marković Nikolić Horvat Novak Kovač",
    ),
    "arabic_persian": (
        "Fatima Layla Yasmin Nour Amira Leila Omar Ahmed Karim Youssef Hassan Tarek Reza "
        "Dariush Samira Hadi",
        "Haddad Khalil Nasser Mansour Saleh Farah Hamdan Aziz Rahimi Hosseini Karimi Tehrani "
        "El-Amin Bakr",
    ),
    "west_african": (
        "Chioma Ngozi Amara Adaeze Folake Yetunde Kwame Kofi Chinedu Emeka Oluwaseun Tunde "
        "Abena Kojo",
        "Okafor Adeyemi Okonkwo Mensah Boateng Eze Nwosu Balogun Asante Owusu Adebayo Obi",
    ),
    "indian": (
        "Priya Ananya Divya Kavya Neha Aditi Shreya Meera Arjun Rahul Vikram Rohan Aarav "
        "Karthik Siddharth Aditya Sanjay Nikhil Ishaan Lakshmi",
        "Sharma Patel Gupta Singh Iyer Reddy Nair Menon Rao Kumar Mehta Joshi Krishnan "
        "Banerjee Chatterjee Desai Kapoor Pillai",
    ),
    "chinese": (
        "Wei Jing Li Na Xin Yan Mei Hui Jun Hao Lei Yu Chen Ming Tao Xiaoling",
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Lin",
    ),
    "japanese": (
        "Yuki Haruka Aiko Sakura Emi Mai Hiroshi Takeshi Kenji Daiki Ren Sota",
        "Sato Suzuki Takahashi Tanaka Watanabe Yamamoto Nakamura Kobayashi Ito Kato",
    ),
    "korean": (
        "Ji-woo Min-jun Seo-yeon Hyun-woo Soo-ah Jae-won Ji-hoon Eun-ji Ha-eun Do-yun",
        "Kim Lee Park Choi Jung Kang Yoon Han Jang Lim",
    ),
    "southeast_asian": (
        "Minh Linh Thao Huong Anh Duc Quang Maricel Jasmine Paolo Rafael Angelica Siti Rizal",
        "Nguyen Tran Le Pham Hoang Vu Dang Santos Reyes Cruz Bautista Villanueva Tan Wijaya Rahman",
    ),
    "english": (
        "Emily Sarah Jessica Ashley Hannah Olivia Emma Madison Rachel Megan Lauren Abigail "
        "Michael James David Robert Daniel Matthew Christopher Ryan Andrew Joshua Tyler "
        "Brandon Kevin Nathan Samuel Grace Caroline Patrick",
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
        "Jackson White Harris Thompson Clark Lewis Walker Young Allen Wright Scott Hill "
        "Green Adams Baker Nelson Carter Mitchell Roberts Turner Campbell Parker Evans",
    ),
    "irish_scottish": (
        "Siobhan Aoife Niamh Ciara Fiona Sean Liam Conor Declan Ronan Callum Eilidh",
        "Murphy Kelly O'Brien O'Sullivan Walsh Byrne Ryan O'Connor McCarthy Doyle MacLeod "
        "Campbell Fraser Sullivan",
    ),
    "latin_american": (
        "Ana Beatriz Fernanda Juliana Larissa Mariana Gabriel Rafael Thiago Lucas Bruno "
        "Felipe Ximena Alejandra Eduardo Leonardo",
        "Silva Santos Oliveira Souza Pereira Costa Almeida Carvalho Ribeiro Rocha Cardoso "
        "Gutiérrez Ramos Navarro Jiménez Aguilar",
    ),
}

# How common each group is at each office (weights, not percentages).
OFFICE_NAME_MIX = {
    "europe": {
        "german": 44,
        "turkish": 7,
        "polish": 6,
        "italian": 5,
        "spanish": 5,
        "french": 4,
        "nordic_dutch": 4,
        "slavic": 6,
        "arabic_persian": 4,
        "west_african": 2,
        "indian": 5,
        "chinese": 2,
        "japanese": 1,
        "korean": 1,
        "english": 2,
    },
    "us": {
        "english": 30,
        "irish_scottish": 6,
        "spanish": 6,
        "latin_american": 8,
        "indian": 12,
        "chinese": 9,
        "japanese": 3,
        "korean": 3,
        "southeast_asian": 6,
        "west_african": 4,
        "arabic_persian": 3,
        "italian": 3,
        "german": 2,
        "slavic": 3,
        "french": 2,
    },
}

# How often a person's last name comes from a different group than the first.
MIXED_NAME_RATE = 0.12


def _names(text):
    """Space-separated names, where a trailing "De"/"Van"/"El-" particle binds
    to the next word (``"De Luca"``, ``"Van Dijk"``)."""
    words, names = text.split(), []
    particles = {"De", "Van"}
    for word in words:
        if names and names[-1] in particles:
            names[-1] = f"{names[-1]} {word}"
        else:
            names.append(word)
    return tuple(names)


NAME_LISTS = {group: (_names(first), _names(last)) for group, (first, last) in NAME_GROUPS.items()}


def random_name(rng, office_mix):
    """A (first, last) name drawn for someone at an office with ``office_mix``."""
    groups = sorted(OFFICE_NAME_MIX[office_mix])
    weights = [OFFICE_NAME_MIX[office_mix][g] for g in groups]
    group = rng.choices(groups, weights)[0]
    first = rng.choice(NAME_LISTS[group][0])
    last_group = group
    if rng.random() < MIXED_NAME_RATE:
        last_group = rng.choices(groups, weights)[0]
    last = rng.choice(NAME_LISTS[last_group][1])
    return first, last


# Letters NFKD does not decompose into an ASCII base letter, and the German
# convention for umlauts (Müller -> mueller).
_TRANSLITERATION = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "đ": "d",
    }
)


def email_part(name):
    """``"Jürgen"`` -> ``"juergen"``, ``"O'Brien"`` -> ``"obrien"``,
    ``"De Luca"`` -> ``"deluca"``, ``"Ji-woo"`` -> ``"ji-woo"``."""
    folded = unicodedata.normalize("NFKD", name.lower().translate(_TRANSLITERATION))
    ascii_only = folded.encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_only if c.isalnum() or c == "-")
