"""General menu vocabulary: one concept per line, words in Ukrainian, Russian and English.

These are translations a transliteration cannot find (чай ↔ tea, вареники ↔ dumplings). They are
ordinary food and drink words, not any one venue's menu. Each word is normalised with the same
pipeline as names, so spelling and inflection variants fall together; the first word names the
concept. Phrases (two words) are matched before single words.
"""

CONCEPTS = """
кава кофе coffee
чай tea
сік сок juice
вода water
молоко milk
вершки сливки cream вершковий сливочный creamy
цукор сахар sugar
мед мёд honey
лимон lemon
лимонад lemonade
апельсин orange апельсиновий апельсиновый
яблуко яблоко apple яблучний яблочный
вишня cherry вишневий вишневый
полуниця клубника strawberry полуничний клубничный
малина raspberry малиновий малиновый
чорниця черника blueberry
шоколад chocolate шоколадний шоколадный
ваніль ваниль vanilla ванільний ванильный
кокос coconut кокосовий кокосовый
мигдаль миндаль almond мигдальний миндальный
горіх орех nut горіховий ореховый nuts
фундук hazelnut
зелений зеленый green
чорний черный black
білий белый white вайт
червоний красный red
гарячий горячий hot
холодний холодный cold iced ice айс
морозиво мороженое icecream
суп soup
суші суши sushi nigiri нігірі нигири
салат salad
курка курятина курица куриный курячий chicken
яловичина говядина beef
свинина pork свинячі свиные свинячий свиной
телятина veal
качка утка duck
індичка индейка turkey
лосось salmon сьомга семга лососем
тунець тунец tuna тунцом тунцем тунца
вугор угорь eel угрем угря вугрем
креветка креветки shrimp shrimps prawn prawns
кальмар squid calamari
мідії мидии mussels
риба рыба fish
гриби грибы грибами mushroom mushrooms
сир сыр cheese сирний сырный formaggi
картопля картофель potato potatoes картопляний
фрі фри fries
рис rice
локшина лапша noodles
вареники dumplings
пельмені пельмени pelmeni
млинці блины блинчики pancakes crepes панкейки pancake
сирники сырники syrniki
деруни драники
яйце яйцо egg eggs
хліб хлеб bread
бекон bacon
шинка ветчина ham
ковбаса колбаса sausage ковбаски колбаски сосиски
томат помідор помидор tomato tomatoes томатний томатный
огірок огурец cucumber огурцом огірком огурца
цибуля лук onion цибулеві луковые
часник чеснок garlic часниковий чесночный
перець перец pepper
овочі овощи vegetables овочевий овощной
фрукти фрукты fruit fruits
ягоди ягоды berry berries ягідний ягодный
соус sauce
гострий острый spicy спайси
копчений копченый smoked
смажений жареный fried
запечений запеченный baked
гриль grill grilled
барбекю bbq
безалкогольний безалкогольный virgin nonalcoholic
тарілка тарелка plate platter
маринований маринованный pickled
морепродукти морепродукты seafood морський морская морська морской
окунь perch
гребінець гребешок scallop
восьминіг осьминог octopus
асорті ассорти mix assorted assortment
студентський студенческий student
гьоза гедза гёдза gyoza
моті моти mochi
жасмин jasmine жасминовий жасминовый
кориця корица cinnamon
шпинат spinach
рукола arugula rucola
песто pesto
торт cake
чізкейк чизкейк cheesecake
пиріг пирог pie
тістечко пирожное pastry
десерт dessert
пиво beer
вино wine
коктейль cocktail
смузі смузи smoothie
какао cocoa
піца пицца pizza
рол ролл roll rolls роли роллы
без without
подвійний двойной double doppio
стакан glass келих бокал келиху
пляшка бутылка bottle
газований газированный sparkling
негазований негазированный still
свіжий свежий fresh
домашній домашний homemade
класичний классический classic
вегетаріанський вегетарианский vegetarian veggie
гарнір гарнир side
закуска snack starter appetizer
напій напиток drink beverage напої напитки drinks
сніданок завтрак breakfast
крильця крылышки wings
ребра ребрышки ribs реберця ребрища
каша porridge
вівсяний овсяный oat oatmeal
гречка buckwheat
борщ borscht borsch borshch
цезар цезарь caesar
грецький греческий greek
м'ясо мясо meat м'ясний мясной м'ясна мясная
котлета cutlet patty
відбивна отбивная chop
круасан круассан croissant
бейгл bagel
кіноа киноа quinoa
ікра икра caviar roe
соєвий соевый soy
м'ята мята mint
імбир имбирь ginger імбирний имбирный
журавлина клюква cranberry
смородина currant
персик peach
груша pear
ананас pineapple
кавун арбуз watermelon
диня дыня melon
маракуя passionfruit
пюре mashed
віскі виски whisky whiskey
горілка водка vodka
ром rum
джин gin
текіла текила tequila
коньяк cognac brandy
сидр cider
шампанське шампанское champagne
світле светлое lager light
темне темное dark
нефільтроване нефильтрованное unfiltered
грінки гренки croutons
кільця кольца rings
мокко мока mocha mokka
булочка булка bun buns
кляр batter
міцні крепкие spirits
базилік базилик basil
теплий теплый warm
додатковий дополнительный extra additional
трав'яний травяной herbal herb herbs
чебрець чабрец thyme
сметана smetana
англійський английский english
французький французский french
італійський итальянский italian
американський американский american
японський японский japanese
грузинський грузинский georgian
мексиканський мексиканский mexican
тайський тайский thai
бельгійський бельгийский belgian
віденський венский viennese
дитячий детский kids kid children child
солодкий сладкий sweet
кислий кислый sour
солоний соленый salted salty
козячий козий goat
буряк свекла beetroot beet beets
пашот poached
тост тости toast
гарбуз тыква pumpkin гарбузовий тыквенный
банан banana банановий банановый
лаванда lavender лавандовий лавандовый
карамель caramel карамельний карамельный
розливне разливное draft draught
пляшкове бутылочное bottled
сендвіч сэндвич sandwich
грудка breast
філе филе fillet
випічка выпечка bakery pastries
мілкшейк милкшейк milkshake shake
чотири четыре four quattro 4
два дві две two 2
три three 3
маленький малий маленька small
середній средний medium regular
великий большой велика большая large big
гавайська гавайская hawaiian
мисливська охотничья hunter
""".strip()

# Phrases first written as two words, joined before lookup ("ice cream" -> "icecream").
PHRASES = {
    "ice cream": "icecream",
    "passion fruit": "passionfruit",
    "french fries": "fries",
    "sea buckthorn": "обліпиха",
    "flat white": "флет вайт",
    "sour cream": "сметана",
    "лісовий горіх": "фундук",
    "лесной орех": "фундук",
    "молочний коктейль": "мілкшейк",
    "молочный коктейль": "мілкшейк",
    "milk shake": "мілкшейк",
}

# Generic words for a kind of dish, by the menu section that holds that kind: a site's "Napoleon
# cake" is Poster's "Наполеон" in "Десерти". Only generic words here, never a particular dish
# ("cheesecake" in "Desserts" must not look like "tiramisu").
KINDS = {
    "десерт": "торт тістечко",
    "випічка": "булочка тістечко пиріг",
    "напій": "лимонад сік",
    "міцні": "віскі горілка ром джин текіла коньяк",
}

# Words that carry no identity: prepositions, conjunctions, marketing noise.
STOPWORDS = """
з із зі с со в у на та і й и и а the a an of with and in on for from по для від от
new нове новинка новинки хіт хит hit top топ sale акція акция promo bestseller бестселер
""".split()

# Concepts that say which size: a glass is the smallest serving, a bottle the largest.
SIZE_WORDS = {"маленький": "S", "середній": "M", "великий": "L", "стакан": "S", "пляшка": "L"}
